import { DataType, makeVector, type Data, type RecordBatch } from 'apache-arrow';
import { compareKeys } from './compare-keys.js';
import { keyColumn, UnknownColumnError, type KeyValue } from './key-column.js';

/**
 * One column laid out for ordering, read straight from its Arrow buffers: `compare(i, other, j)`
 * orders row `i` of this column against row `j` of `other`, a column of the same type (of this
 * batch or another: a k-way merge compares rows of different batches). Both rows must be valid.
 *
 * The order is SQL's (DuckDB's, PostgreSQL's): numbers numerically, 64-bit integers exactly
 * (no rounding, no bigint per row), NaN after every other number and equal to itself, -0 equal
 * to 0, text and binary by their bytes (UTF-8 bytes order text by code point), false before
 * true, decimals by value, dates, times and timestamps by instant. Other types (dictionaries,
 * nested, Float16, large strings) go through Arrow's getter once per row, as keys.
 */
export interface OrderColumn {
  /** Whether row i is null. */
  isNull(i: number): boolean;
  compare(i: number, other: OrderColumn, j: number): number;
  /**
   * Every row's value as a 64-bit unsigned key (`hi`, `lo` words) whose order is the column's
   * ascending order, or is consistent with it (`exact: false`: a different value may share a
   * key, e.g. text by its first 8 bytes; rows with equal keys are then compared). Null rows'
   * keys are meaningless. Undefined for a column without one (decimals, keys read by getter).
   */
  sortKey?(): SortKey64;
}

/** Row i's 64-bit sort key is `hi[i] * 2^32 + lo[i]`. */
export interface SortKey64 {
  hi: Uint32Array;
  lo: Uint32Array;
  exact: boolean;
}

/** The named column of `batch` laid out for ordering. */
export function orderColumnOf(batch: RecordBatch, name: string, role = 'sort'): OrderColumn {
  const index = batch.schema.fields.findIndex((f) => f.name === name);
  if (index === -1) throw new UnknownColumnError(name, batch.schema.names as string[], role);
  return orderColumn(batch.data.children[index] as Data, () => keyColumn(batch, name, role));
}

/** `data` laid out for ordering; `keys` reads the rows of a type without a buffer layout here. */
export function orderColumn(data: Data, keys?: () => { get(row: number): KeyValue }): OrderColumn {
  const column = layOut(data, keys);
  column.length = data.length;
  return column;
}

function layOut(data: Data, keys?: () => { get(row: number): KeyValue }): Nullable & OrderColumn {
  const type = data.type as DataType;
  const nulls = nullsOf(data);
  // Arrow slices the value buffers of a sliced Data (the validity bitmap keeps data.offset, and
  // the offsets of strings point into the whole value buffer): values are read at i.
  if (DataType.isDecimal(type)) return new DecimalOrder(nulls, data.values as Uint32Array, type.bitWidth / 32);
  const values = data.values as unknown;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    return new Int64Order(nulls, new Int32Array(values.buffer, values.byteOffset, values.length * 2), values instanceof BigInt64Array);
  }
  if (DataType.isFloat(type) && type.precision !== 0) return new FloatOrder(nulls, values as Float32Array | Float64Array);
  if ((DataType.isInt(type) || DataType.isDate(type) || DataType.isTime(type)) && isNumberArray(values)) return new IntOrder(nulls, values);
  if ((DataType.isUtf8(type) || DataType.isBinary(type)) && data.valueOffsets instanceof Int32Array) return new BytesOrder(nulls, data.valueOffsets, values as Uint8Array);
  if (DataType.isBool(type)) {
    const vector = makeVector(data);
    const bits = Uint8Array.from({ length: data.length }, (_, i) => (vector.get(i) ? 1 : 0));
    return new IntOrder(nulls, bits);
  }
  const reader = keys ? keys() : { get: (row: number) => makeVector(data).get(row) as KeyValue };
  return new KeyOrder(nulls, Array.from({ length: data.length }, (_, i) => reader.get(i)));
}

type NumberArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

function isNumberArray(values: unknown): values is NumberArray {
  return values instanceof Int8Array || values instanceof Int16Array || values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint16Array || values instanceof Uint32Array || values instanceof Float32Array || values instanceof Float64Array;
}

/** One byte per row, 1 for null; none when the column has no nulls. */
function nullsOf(data: Data): Uint8Array | null {
  const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
  if (!bitmap) return null;
  const nulls = new Uint8Array(data.length);
  const offset = data.offset;
  for (let i = 0; i < data.length; i++) nulls[i] = ((bitmap[(offset + i) >> 3] >> ((offset + i) & 7)) & 1) ^ 1;
  return nulls;
}

abstract class Nullable {
  /** Rows (a value buffer may hold more, or none when every row is null). */
  length = 0;
  constructor(readonly nulls: Uint8Array | null) {}
  isNull(i: number): boolean {
    return this.nulls !== null && this.nulls[i] === 1;
  }
}

class IntOrder extends Nullable implements OrderColumn {
  constructor(nulls: Uint8Array | null, readonly values: NumberArray) {
    super(nulls);
  }
  sortKey(): SortKey64 {
    return doubleKeys(this.values, this.length);
  }
  compare(i: number, other: OrderColumn, j: number): number {
    const x = this.values[i];
    const y = (other as IntOrder).values[j];
    return x < y ? -1 : x > y ? 1 : 0;
  }
}

class FloatOrder extends Nullable implements OrderColumn {
  constructor(nulls: Uint8Array | null, readonly values: Float32Array | Float64Array) {
    super(nulls);
  }
  sortKey(): SortKey64 {
    return doubleKeys(this.values, this.length);
  }
  compare(i: number, other: OrderColumn, j: number): number {
    const x = this.values[i];
    const y = (other as FloatOrder).values[j];
    if (x < y) return -1;
    if (x > y) return 1;
    if (x === y) return 0;
    // NaN on one side or both: NaN sorts after every number.
    return (x !== x ? 1 : 0) - (y !== y ? 1 : 0);
  }
}

/** 64-bit integers (and the timestamps, dates, times and durations stored as them) as two 32-bit words. */
class Int64Order extends Nullable implements OrderColumn {
  constructor(nulls: Uint8Array | null, readonly words: Int32Array, readonly signed: boolean) {
    super(nulls);
  }
  sortKey(): SortKey64 {
    const n = this.length;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    const flip = this.signed ? 0x80000000 : 0;
    for (let i = 0; i < n; i++) {
      hi[i] = (this.words[2 * i + 1] ^ flip) >>> 0;
      lo[i] = this.words[2 * i];
    }
    return { hi, lo, exact: true };
  }
  compare(i: number, other: OrderColumn, j: number): number {
    const a = this.words;
    const b = (other as Int64Order).words;
    let x = a[2 * i + 1];
    let y = b[2 * j + 1];
    if (x !== y) {
      if (!this.signed) {
        x >>>= 0;
        y >>>= 0;
      }
      return x < y ? -1 : 1;
    }
    x = a[2 * i] >>> 0;
    y = b[2 * j] >>> 0;
    return x < y ? -1 : x > y ? 1 : 0;
  }
}

class DecimalOrder extends Nullable implements OrderColumn {
  constructor(nulls: Uint8Array | null, readonly words: Uint32Array, readonly stride: number) {
    super(nulls);
  }
  compare(i: number, other: OrderColumn, j: number): number {
    const a = this.words;
    const b = (other as DecimalOrder).words;
    const s = this.stride;
    // Two's complement, little-endian words: the top word signed, the rest unsigned.
    let x = a[i * s + s - 1] | 0;
    let y = b[j * s + s - 1] | 0;
    if (x !== y) return x < y ? -1 : 1;
    for (let w = s - 2; w >= 0; w--) {
      x = a[i * s + w];
      y = b[j * s + w];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }
}

class BytesOrder extends Nullable implements OrderColumn {
  constructor(nulls: Uint8Array | null, readonly offsets: Int32Array, readonly bytes: Uint8Array) {
    super(nulls);
  }
  /** The first 8 bytes, big-endian, zero-padded: equal keys are compared byte by byte. */
  sortKey(): SortKey64 {
    const n = this.length;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    const b = this.bytes;
    for (let i = 0; i < n; i++) {
      const start = this.offsets[i];
      const len = Math.min(8, this.offsets[i + 1] - start);
      let h = 0;
      let l = 0;
      for (let k = 0; k < len; k++) {
        if (k < 4) h |= b[start + k] << (24 - 8 * k);
        else l |= b[start + k] << (56 - 8 * k);
      }
      hi[i] = h >>> 0;
      lo[i] = l >>> 0;
    }
    return { hi, lo, exact: false };
  }
  compare(i: number, other: OrderColumn, j: number): number {
    const o = other as BytesOrder;
    const a = this.bytes;
    const b = o.bytes;
    let p = this.offsets[i];
    let q = o.offsets[j];
    const n = this.offsets[i + 1] - p;
    const m = o.offsets[j + 1] - q;
    const end = p + Math.min(n, m);
    for (; p < end; p++, q++) {
      if (a[p] !== b[q]) return a[p] < b[q] ? -1 : 1;
    }
    return n < m ? -1 : n > m ? 1 : 0;
  }
}

class KeyOrder extends Nullable implements OrderColumn {
  constructor(nulls: Uint8Array | null, readonly values: KeyValue[]) {
    super(nulls);
  }
  compare(i: number, other: OrderColumn, j: number): number {
    return compareKeys(this.values[i]!, (other as KeyOrder).values[j]!);
  }
}

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);

/**
 * Numbers as 64-bit keys in numeric order: the IEEE 754 bits with the sign bit flipped for
 * positives and every bit flipped for negatives; -0 as 0 and every NaN as one NaN, after +Infinity.
 */
function doubleKeys(values: NumberArray, n: number): SortKey64 {
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    F64[0] = v === v ? v + 0 : NaN;
    const h = F64_WORDS[1];
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~F64_WORDS[0] >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = F64_WORDS[0];
    }
  }
  return { hi, lo, exact: true };
}
