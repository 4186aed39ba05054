import type { RecordBatch, Schema } from 'apache-arrow';
import { KeyCodes } from './key-codes.js';

export interface Groups {
  /** The group of each row, 0-based in order of first appearance. */
  groupOf: Uint32Array;
  /** The first row of each group, to gather the key columns from. */
  firstRow: Uint32Array;
  count: number;
}

/** Assigns each row of `batch` to a group by the key columns. Null keys form their own group (SQL GROUP BY). */
export function groupRows(batch: RecordBatch, keys: readonly string[]): Groups {
  const n = batch.numRows;
  if (keys.length === 0) {
    // No keys: one group of every row (even none, as SQL's `SELECT count(*)` gives one row).
    return { groupOf: new Uint32Array(n), firstRow: Uint32Array.of(0), count: 1 };
  }
  const codes = new KeyCodes(batch, keys, 'group by').encode(batch, keys, 'group by', true, 'value');
  // Codes count values as the dictionaries met them (a null's code is taken late); renumber
  // them in order of first appearance.
  const groupOf = new Uint32Array(codes.buffer, codes.byteOffset, n);
  const renumber = new Int32Array(n === 0 ? 0 : maxOf(codes) + 1).fill(-1);
  const first = new Uint32Array(renumber.length);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    let g = renumber[c];
    if (g === -1) {
      g = renumber[c] = count;
      first[count++] = i;
    }
    groupOf[i] = g;
  }
  return { groupOf, firstRow: first.slice(0, count), count };
}

function maxOf(codes: Int32Array): number {
  let max = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] > max) max = codes[i];
  return max;
}

/** The rows SQL DISTINCT (ON keys) keeps and the ones it drops, each in input order. */
export interface DistinctRows {
  kept: Uint32Array;
  dropped: Uint32Array;
}

/**
 * One row per distinct key (nulls equal, as SQL DISTINCT): the first or the last of its group
 * in input order. The kernel of distinct_mod and union_mod's `distinct`.
 */
export function distinctRows(batch: RecordBatch, keys: readonly string[], keep: 'first' | 'last'): DistinctRows {
  if (keep === 'first') return new FirstRows(batch.schema, keys).split(batch);
  const n = batch.numRows;
  const groups = groupRows(batch, keys);
  const count = n === 0 ? 0 : groups.count;
  const isKept = new Uint8Array(n);
  const last = new Int32Array(count);
  for (let i = 0; i < n; i++) last[groups.groupOf[i]] = i;
  for (const row of last) isKept[row] = 1;
  const kept = new Uint32Array(count);
  const dropped = new Uint32Array(n - count);
  for (let i = 0, k = 0, d = 0; i < n; i++) {
    if (isKept[i]) kept[k++] = i;
    else dropped[d++] = i;
  }
  return { kept, dropped };
}

/**
 * SQL DISTINCT (ON keys) keeping each key's first row, over a stream of batches: which rows of
 * each batch hold a key not met before (nulls equal), and which repeat one. Memory follows the
 * distinct keys (their codes), not the rows.
 */
export class FirstRows {
  private readonly codes: KeyCodes;
  private seen = new Uint8Array(1024);

  constructor(schema: Schema, private readonly keys: readonly string[]) {
    this.codes = new KeyCodes({ schema }, keys, 'keys');
  }

  /** The bytes the keys met so far hold. */
  get bytes(): number {
    return this.codes.bytes + this.seen.byteLength;
  }

  /** The rows of `batch` whose key is new (each the first of its key), and the others, in input order. */
  split(batch: RecordBatch): DistinctRows {
    const n = batch.numRows;
    const codes = this.codes.encode(batch, this.keys, 'keys', true, 'value');
    if (this.seen.length < this.codes.size) {
      const grown = new Uint8Array(Math.max(this.codes.size, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    const seen = this.seen;
    const kept = new Uint32Array(n);
    const dropped = new Uint32Array(n);
    let k = 0;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (seen[c] === 1) dropped[d++] = i;
      else {
        seen[c] = 1;
        kept[k++] = i;
      }
    }
    return { kept: kept.slice(0, k), dropped: dropped.slice(0, d) };
  }
}
