import type { RecordBatch } from 'apache-arrow';
import { fmix } from './hash-mix.js';
import { UnknownColumnError } from './key-column.js';
import { MISSING_CODE, NULL_CODE, ValueDictionary } from './value-dictionary.js';

/**
 * Dense codes for the keys of rows over one or more key columns: one ValueDictionary per
 * column, then the per-column codes paired column by column (`PairTable`), so a row's key is
 * one int32 however many columns it has. Built on one input (`insert`) and probed with another
 * (a join's two sides), the codes agree wherever the keys are equal.
 */
export class KeyCodes {
  private readonly dictionaries: ValueDictionary[];
  private readonly pairs: PairTable[];

  /** `batch`: a batch (or the schema) of the side that builds the codes (its key columns' types choose the dictionaries). */
  constructor(batch: Pick<RecordBatch, 'schema'>, keys: readonly string[], role: string) {
    this.dictionaries = keys.map((k) => ValueDictionary.for(fieldOf(batch, k, role).type));
    this.pairs = keys.slice(1).map(() => new PairTable());
  }

  /** How many codes there are (composite keys seen so far). */
  get size(): number {
    return this.pairs.length > 0 ? this.pairs[this.pairs.length - 1].size : this.dictionaries[0].size;
  }

  /** The bytes the codes' tables hold (the dictionaries' values and hash tables, the pair tables). */
  get bytes(): number {
    return this.dictionaries.reduce((sum, d) => sum + d.bytes, 0) + this.pairs.reduce((sum, p) => sum + p.bytes, 0);
  }

  /**
   * The code of each row's key. `nulls`: `'value'` makes a null part a value like any other
   * (GROUP BY, IS NOT DISTINCT FROM); `'never'` makes a key with a null part MISSING_CODE
   * (SQL `=`). A key not yet seen is added (`insert`) or MISSING_CODE.
   */
  encode(batch: RecordBatch, keys: readonly string[], role: string, insert: boolean, nulls: 'value' | 'never'): Int32Array {
    const n = batch.numRows;
    let codes: Int32Array = new Int32Array(n);
    const part = keys.length > 1 ? new Int32Array(n) : codes;
    keys.forEach((key, k) => {
      const index = batch.schema.fields.indexOf(fieldOf(batch, key, role));
      const dictionary = this.dictionaries[k];
      const out = k === 0 ? codes : part;
      dictionary.encode(batch, index, insert, out);
      for (let i = 0; i < n; i++) {
        if (out[i] !== NULL_CODE) continue;
        out[i] = nulls === 'never' ? MISSING_CODE : insert ? dictionary.nullCode() : dictionary.peekNullCode();
      }
      if (k > 0) codes = this.pairs[k - 1].encode(codes, part, insert);
    });
    return codes;
  }
}

function fieldOf(batch: Pick<RecordBatch, 'schema'>, name: string, role: string) {
  const field = batch.schema.fields.find((f) => f.name === name);
  if (!field) throw new UnknownColumnError(name, batch.schema.names as string[], role);
  return field;
}

/**
 * Pairs of codes to dense codes, in an open-addressing table over typed arrays; or, when the
 * first pairs encoded have few enough combinations, by direct indexing (a * width + b). Each
 * slot holds its pair beside its code (three int32s), so a probe reads one place in memory, not
 * the slot and then the pair: on a table of millions of pairs that is one cache miss, not three.
 */
class PairTable {
  size = 0;
  private direct: Int32Array | undefined;
  private width = 0;
  private sized = false;
  /** Per slot: first, second, code + 1 (0: empty). */
  private slots = new Int32Array(3 * 2048);
  private mask = 2047;

  get bytes(): number {
    return (this.direct?.byteLength ?? 0) + this.slots.byteLength;
  }

  /** Codes of (a[i], b[i]) into `a` (reused as the output); MISSING_CODE in either part stays missing. */
  encode(a: Int32Array, b: Int32Array, insert: boolean): Int32Array {
    if (!this.sized) this.chooseDirect(a, b);
    const { direct, width } = this;
    const height = direct ? direct.length / width : 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      if (x < 0 || y < 0) a[i] = MISSING_CODE;
      else if (x < height && y < width) {
        const at = x * width + y;
        let code = direct![at] - 1;
        if (code < 0 && insert) direct![at] = (code = this.size++) + 1;
        a[i] = code < 0 ? MISSING_CODE : code;
      } else a[i] = this.find(x, y, insert);
    }
    return a;
  }

  private chooseDirect(a: Int32Array, b: Int32Array): void {
    this.sized = true;
    let maxA = -1;
    let maxB = -1;
    for (let i = 0; i < a.length; i++) {
      if (a[i] > maxA) maxA = a[i];
      if (b[i] > maxB) maxB = b[i];
    }
    // Direct when the table is at most 16 cells (64 bytes) per row of these first pairs, at
    // most 2^24 cells: one read per row where a hash table would probe a larger one.
    const cells = (maxA + 1) * (maxB + 1);
    if (maxA < 0 || maxB < 0 || cells > Math.max(16 * a.length, 65_536) || cells > 1 << 24) return;
    this.width = maxB + 1;
    this.direct = new Int32Array(cells);
  }

  private find(x: number, y: number, insert: boolean): number {
    const slots = this.slots;
    const mask = this.mask;
    let s = hashPair(x, y) & mask;
    for (;;) {
      const at = 3 * s;
      const c = slots[at + 2] - 1;
      if (c < 0) break;
      if (slots[at] === x && slots[at + 1] === y) return c;
      s = (s + 1) & mask;
    }
    if (!insert) return MISSING_CODE;
    const code = this.size++;
    slots[3 * s] = x;
    slots[3 * s + 1] = y;
    slots[3 * s + 2] = code + 1;
    if (this.size * 2 > mask + 1) this.rehash();
    return code;
  }

  private rehash(): void {
    const old = this.slots;
    const mask = 2 * (this.mask + 1) - 1;
    const slots = new Int32Array(3 * (mask + 1));
    for (let at = 0; at < old.length; at += 3) {
      if (old[at + 2] === 0) continue;
      let s = hashPair(old[at], old[at + 1]) & mask;
      while (slots[3 * s + 2] !== 0) s = (s + 1) & mask;
      slots[3 * s] = old[at];
      slots[3 * s + 1] = old[at + 1];
      slots[3 * s + 2] = old[at + 2];
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function hashPair(x: number, y: number): number {
  return fmix(Math.imul(x, 0xcc9e2d51) ^ Math.imul(y + 0x9e3779b9, 0x1b873593));
}
