import { DataType, Type, makeVector, type Data, type RecordBatch } from 'apache-arrow';
import { validityIfNulls } from './aggregate/column-readers.js';
import { fmix } from './hash-mix.js';
import { keyColumn, type KeyValue } from './key-column.js';

/** The code of a null row in `encode`'s output; the caller decides what a null key means. */
export const NULL_CODE = -2;
/** The code of a value `encode` did not find (lookup only). */
export const MISSING_CODE = -1;

/**
 * Dense codes (0, 1, 2, … in order of insertion) for the distinct values of one key column,
 * kept in typed arrays: numbers by their float64 bits, text by its UTF-8 bytes, without a
 * JS value per row. Values are equal exactly when @pypeline/verbs' key values are (`keyColumn`:
 * an int32 5, an int64 5 and a float 5.0 are one key; a date is its epoch milliseconds), so a
 * dictionary built on one side of a join can be probed with the other side's column. A column
 * the fast readers do not know goes through `keyColumn`, value by value.
 */
export abstract class ValueDictionary {
  size = 0;
  /** The code null keys take once `nullCode()` is asked for, or -1. */
  private nulls = -1;

  /** The bytes the dictionary holds (its tables and stored values): what a memory budget counts. */
  abstract get bytes(): number;

  /** The dictionary for a column of this type: numbers, text, or any other key value. */
  static for(type: DataType): ValueDictionary {
    const family = familyOf(type);
    return family === 'number' ? new NumberDictionary() : family === 'text' ? new TextDictionary() : new GenericDictionary();
  }

  /** The code of the null key (a new one on first use): null keys as one value, for GROUP BY and IS NOT DISTINCT FROM. */
  nullCode(): number {
    if (this.nulls === -1) this.nulls = this.size++;
    return this.nulls;
  }

  /** The code of the null key, or -1 when no null was ever inserted. */
  peekNullCode(): number {
    return this.nulls;
  }

  /**
   * The codes of column `index` of `batch` into `out`: null rows get NULL_CODE; a value not yet
   * known is added (`insert`) or gets MISSING_CODE.
   */
  encode(batch: RecordBatch, index: number, insert: boolean, out: Int32Array): void {
    const data = batch.data.children[index] as Data;
    if (this.encodeFast(data, insert, out)) return;
    const column = keyColumn(batch, batch.schema.fields[index].name);
    for (let i = 0; i < out.length; i++) {
      const v = column.get(i);
      out[i] = v === null ? NULL_CODE : this.valueCode(v, insert);
    }
  }

  /** Encodes from the column's buffers when this dictionary can read them; false when it cannot. */
  protected abstract encodeFast(data: Data, insert: boolean, out: Int32Array): boolean;
  /** The code of one key value (the slow path). */
  protected abstract valueCode(value: Exclude<KeyValue, null>, insert: boolean): number;
}

type Family = 'number' | 'text' | 'other';

function familyOf(type: DataType): Family {
  if (DataType.isInt(type) || (DataType.isFloat(type) && type.precision !== 0) || (DataType.isDate(type) && type.unit === 0)) return 'number';
  if (type.typeId === Type.Utf8) return 'text';
  if (DataType.isDictionary(type) && type.dictionary.typeId === Type.Utf8) return 'text';
  return 'other';
}

/** What a Map entry with a small key costs, roughly (V8: the entry, the key, the hash table's share). */
const MAP_ENTRY_BYTES = 64;
const DAY_MS = 86_400_000;
const TWO_32 = 4_294_967_296;
const SAFE_HI = 2_097_152; // 2^21: |hi| below this keeps an int64 within 2^53

/**
 * Numbers by their float64 bits in an open-addressing table; int64 beyond 2^53 (and oddities)
 * in a Map. Integers in a dense range (ids, small codes: the first column encoded decides the
 * range) are coded by direct indexing instead, a perfect hash with no probing.
 */
class NumberDictionary extends ValueDictionary {
  private keys = new Float64Array(1024);
  private keyBits = new Int32Array(this.keys.buffer);
  private slots = new Int32Array(2048);
  private mask = 2047;
  private readonly others = new Map<string | boolean, number>();
  private scratch = new Float64Array(0);
  /** Codes + 1 of the integers `min … min + direct.length - 1`, once a range is chosen. */
  private direct: Int32Array | undefined;
  private min = 0;
  /** 1, or a day in ms when every value is a whole day (dates): the direct index is (v - min) / step. */
  private step = 1;
  private ranged = false;

  get bytes(): number {
    return this.keys.byteLength + this.slots.byteLength + this.scratch.byteLength + (this.direct?.byteLength ?? 0) + this.others.size * MAP_ENTRY_BYTES;
  }

  protected encodeFast(data: Data, insert: boolean, out: Int32Array): boolean {
    const type = data.type as DataType;
    if (familyOf(type) !== 'number') return false;
    const n = out.length;
    if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, this.scratch.length * 2));
    const values = this.scratch;
    const unsafe = fillNumbers(data, values, n);
    const bits = new Int32Array(values.buffer, 0, n * 2);
    const valid = validityIfNulls(data);
    if (!this.ranged) this.chooseRange(values, n, valid);
    const { direct, min, step } = this;
    const range = direct ? direct.length : 0;
    for (let i = 0; i < n; i++) {
      if (valid && !valid(i)) {
        out[i] = NULL_CODE;
        continue;
      }
      if (unsafe && unsafe.has(i)) {
        out[i] = this.otherCode(unsafe.get(i)!, insert);
        continue;
      }
      const v = values[i];
      const o = (v - min) / step;
      if (o >= 0 && o < range && Math.floor(o) === o) {
        let code = direct![o] - 1;
        if (code < 0 && insert) direct![o] = (code = this.size++) + 1;
        out[i] = code < 0 ? MISSING_CODE : code;
      } else out[i] = this.find(v, bits[2 * i], bits[2 * i + 1], insert);
    }
    return true;
  }

  /** Direct indexing when the first values are integers spanning at most 32 times their count. */
  private chooseRange(values: Float64Array, n: number, valid: ((row: number) => boolean) | undefined): void {
    this.ranged = true;
    let min = Infinity;
    let max = -Infinity;
    let days = true;
    for (let i = 0; i < n; i++) {
      if (valid && !valid(i)) continue;
      const v = values[i];
      if (Math.floor(v) !== v) return;
      if (v < min) min = v;
      if (v > max) max = v;
      if (days && v % DAY_MS !== 0) days = false;
    }
    const step = days && max > min ? DAY_MS : 1;
    const span = (max - min) / step + 1;
    // At most 32 slots (128 bytes) per value of this first batch: one read per row where a hash
    // table (two reads, in 16 bytes per value: an eighth of the most this takes) would probe.
    // 32 and not 16: a partition of a spilled join or group-by on an id column holds one id in
    // 16 of the whole range (hash partitioning spreads them), so 16 missed it by a hair, and the
    // 5 M-row join hashed 9 of its 16 partitions (dictionary time 1.55 s, 0.62 s with 32; wall
    // 12.56 s against 13.08 s).
    if (!(span > 0) || span > Math.max(32 * n, 65_536) || span > 1 << 26) return;
    this.min = min;
    this.step = step;
    this.direct = new Int32Array(span);
  }

  protected valueCode(value: Exclude<KeyValue, null>, insert: boolean): number {
    if (typeof value !== 'number') return this.otherCode(value, insert);
    const v = value === 0 ? 0 : Number.isNaN(value) ? NaN : value;
    const o = (v - this.min) / this.step;
    if (this.direct && o >= 0 && o < this.direct.length && Math.floor(o) === o) {
      let code = this.direct[o] - 1;
      if (code < 0 && insert) this.direct[o] = (code = this.size++) + 1;
      return code < 0 ? MISSING_CODE : code;
    }
    F64[0] = v;
    return this.find(v, U32[0], U32[1], insert);
  }

  private otherCode(value: string | boolean, insert: boolean): number {
    let code = this.others.get(value);
    if (code === undefined) {
      if (!insert) return MISSING_CODE;
      code = this.size++;
      this.others.set(value, code);
    }
    return code;
  }

  private find(v: number, lo: number, hi: number, insert: boolean): number {
    const { slots, mask, keyBits } = this;
    let s = fmix(Math.imul(lo, 0xcc9e2d51) ^ hi) & mask;
    for (;;) {
      const c = slots[s] - 1;
      if (c < 0) break;
      if (keyBits[2 * c] === lo && keyBits[2 * c + 1] === hi) return c;
      s = (s + 1) & mask;
    }
    if (!insert) return MISSING_CODE;
    const code = this.size++;
    if (code >= this.keys.length) {
      const keys = new Float64Array(Math.max(this.keys.length * 2, code + 1));
      keys.set(this.keys);
      this.keys = keys;
      this.keyBits = new Int32Array(keys.buffer);
    }
    this.keys[code] = v;
    slots[s] = code + 1;
    if (this.size * 2 > slots.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const { keyBits } = this;
    for (const entry of this.slots) {
      const c = entry - 1;
      if (c < 0) continue;
      let s = fmix(Math.imul(keyBits[2 * c], 0xcc9e2d51) ^ keyBits[2 * c + 1]) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = entry;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

const F64 = new Float64Array(1);
const U32 = new Int32Array(F64.buffer);

/**
 * The column's values as float64 in `out` (-0 as 0, one NaN), as `keyColumn` reads them: dates
 * in epoch ms. Returns the rows of 64-bit integers beyond 2^53, as the decimal strings
 * `keyColumn` gives them, or undefined when there are none.
 */
function fillNumbers(data: Data, out: Float64Array, n: number): Map<number, string> | undefined {
  const type = data.type as DataType;
  let unsafe: Map<number, string> | undefined;
  if (DataType.isInt(type) && type.bitWidth === 64) {
    const values = data.values as BigInt64Array | BigUint64Array;
    const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
    for (let i = 0; i < n; i++) {
      const hi = words[2 * i + 1];
      const lo = words[2 * i] >>> 0;
      if (type.isSigned ? hi >= -SAFE_HI && hi < SAFE_HI : hi >= 0 && hi < SAFE_HI) out[i] = hi * TWO_32 + lo;
      else {
        out[i] = 0;
        (unsafe ??= new Map()).set(i, values[i].toString());
      }
    }
  } else if (DataType.isDate(type)) {
    const days = data.values as Int32Array;
    for (let i = 0; i < n; i++) out[i] = days[i] * DAY_MS;
  } else {
    const values = makeVector(data).toArray() as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v === 0 ? 0 : v !== v ? NaN : v;
    }
  }
  for (let i = 0; i < n; i++) if (out[i] !== out[i]) out[i] = NaN;
  return unsafe;
}

/** Text by its UTF-8 bytes, copied once per distinct value into an arena. */
class TextDictionary extends ValueDictionary {
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private slots = new Int32Array(2048);
  private mask = 2047;
  private readonly others = new Map<number | boolean, number>();

  get bytes(): number {
    return this.arena.byteLength + this.starts.byteLength + this.ends.byteLength + this.hashes.byteLength + this.slots.byteLength + this.others.size * MAP_ENTRY_BYTES;
  }

  protected encodeFast(data: Data, insert: boolean, out: Int32Array): boolean {
    const type = data.type as DataType;
    if (type.typeId === Type.Utf8) {
      this.encodeUtf8(data, insert, out);
      return true;
    }
    if (!DataType.isDictionary(type) || type.dictionary.typeId !== Type.Utf8) return false;
    // Dictionary-encoded text: each dictionary value once, then the indices through it.
    const chunks = (data.dictionary?.data ?? []) as Data[];
    const total = chunks.reduce((n, d) => n + d.length, 0);
    const map = new Int32Array(total);
    let at = 0;
    for (const chunk of chunks) {
      this.encodeUtf8(chunk, insert, map.subarray(at, at + chunk.length));
      at += chunk.length;
    }
    const indices = data.values as ArrayLike<number>;
    const valid = validityIfNulls(data);
    for (let i = 0; i < out.length; i++) out[i] = valid && !valid(i) ? NULL_CODE : map[Number(indices[i])];
    return true;
  }

  private encodeUtf8(data: Data, insert: boolean, out: Int32Array): void {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const valid = validityIfNulls(data);
    for (let i = 0; i < out.length; i++) out[i] = valid && !valid(i) ? NULL_CODE : this.find(bytes, offsets[i], offsets[i + 1], insert);
  }

  protected valueCode(value: Exclude<KeyValue, null>, insert: boolean): number {
    if (typeof value !== 'string') {
      let code = this.others.get(value);
      if (code === undefined && insert) this.others.set(value, (code = this.size++));
      return code ?? MISSING_CODE;
    }
    const bytes = Buffer.from(value, 'utf8');
    return this.find(bytes, 0, bytes.length, insert);
  }

  private find(bytes: Uint8Array, start: number, end: number, insert: boolean): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    h = fmix(h) | 0;
    const { slots, mask, starts, hashes, arena } = this;
    const len = end - start;
    let s = h & mask;
    probe: for (;;) {
      const c = slots[s] - 1;
      if (c < 0) break;
      if (hashes[c] === h && this.ends[c] - starts[c] === len) {
        const at = starts[c];
        for (let k = 0; k < len; k++) if (arena[at + k] !== bytes[start + k]) {
          s = (s + 1) & mask;
          continue probe;
        }
        return c;
      }
      s = (s + 1) & mask;
    }
    if (!insert) return MISSING_CODE;
    const code = this.size++;
    this.store(code, bytes, start, end, h);
    this.slots[s] = code + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return code;
  }

  private store(code: number, bytes: Uint8Array, start: number, end: number, h: number): void {
    // Codes of other values (null, a non-text key) leave an unused entry: entries stay indexed by code.
    if (this.hashes.length <= code) {
      const size = Math.max(this.hashes.length * 2, code + 1);
      const grow = (a: Int32Array) => {
        const b = new Int32Array(size);
        b.set(a);
        return b;
      };
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    const len = end - start;
    if (this.used + len > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    this.arena.set(bytes.subarray(start, end), this.used);
    this.starts[code] = this.used;
    this.used += len;
    this.ends[code] = this.used;
    this.hashes[code] = h;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (const entry of this.slots) {
      if (entry === 0) continue;
      let s = this.hashes[entry - 1] & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = entry;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Any other key (booleans, timestamps, decimals, …) as its `keyColumn` value in a Map. */
class GenericDictionary extends ValueDictionary {
  private readonly codes = new Map<Exclude<KeyValue, null>, number>();

  get bytes(): number {
    return this.codes.size * MAP_ENTRY_BYTES;
  }

  protected encodeFast(): boolean {
    return false;
  }

  protected valueCode(value: Exclude<KeyValue, null>, insert: boolean): number {
    let code = this.codes.get(value);
    if (code === undefined && insert) this.codes.set(value, (code = this.size++));
    return code ?? MISSING_CODE;
  }
}
