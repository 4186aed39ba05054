import { DataType, makeVector, type Data, type RecordBatch } from 'apache-arrow';
import { keyColumn } from '../key-column.js';
import { orderColumn } from '../order-column.js';

/** Whether row i of `data` holds a value. */
export function validity(data: Data): (i: number) => boolean {
  const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
  if (!bitmap) return () => true;
  const offset = data.offset;
  return (i) => ((bitmap[(offset + i) >> 3] >> ((offset + i) & 7)) & 1) === 1;
}

/** A numeric column read straight from its buffers: `num` as a double, `big` exact for integers and decimals (unscaled). */
export interface NumberColumn {
  kind: 'int' | 'int64' | 'float' | 'decimal';
  /** Decimal scale; 0 otherwise. */
  scale: number;
  valid(i: number): boolean;
  num(i: number): number;
  big(i: number): bigint;
}

export function numberColumn(data: Data): NumberColumn {
  const valid = validity(data);
  const type = data.type as DataType;
  // Arrow slices the value buffers of a sliced Data (only the validity bitmap keeps data.offset),
  // so values are read at i, not at offset + i.
  if (DataType.isDecimal(type)) {
    const words = data.values as Uint32Array;
    const stride = type.bitWidth / 32;
    const scale = 10 ** type.scale;
    const big = (i: number) => {
      let v = 0n;
      for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * stride + w]);
      return BigInt.asIntN(type.bitWidth, v);
    };
    return { kind: 'decimal', scale: type.scale, valid, big, num: (i) => Number(big(i)) / scale };
  }
  if (DataType.isInt(type) && type.bitWidth === 64) {
    const values = data.values as BigInt64Array | BigUint64Array;
    // The double nearest the value from its two 32-bit words (one rounding, as Number(bigint)), without a bigint per row.
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const high = type.isSigned ? (i: number) => words[2 * i + 1] : (i: number) => words[2 * i + 1] >>> 0;
    return { kind: 'int64', scale: 0, valid, big: (i) => values[i], num: (i) => high(i) * 4_294_967_296 + (words[2 * i] >>> 0) };
  }
  if (DataType.isInt(type) || (DataType.isFloat(type) && type.precision !== 0)) {
    const values = data.values as Float64Array;
    return { kind: DataType.isInt(type) ? 'int' : 'float', scale: 0, valid, big: (i) => BigInt(values[i]), num: (i) => values[i] };
  }
  // Float16 and anything else numeric: through Arrow's getter.
  const vector = makeVector(data);
  return { kind: 'float', scale: 0, valid, big: (i) => BigInt(Number(vector.get(i))), num: (i) => Number(vector.get(i)) };
}

/**
 * A numeric column's values as doubles, read from its buffers in one pass (the value `num`
 * gives; 0 where null): the column's own array when it is Float64, else a copy. For kernels
 * whose loops then read a plain array instead of calling a reader per row.
 */
export function doublesOf(data: Data): Float64Array {
  const n = data.length;
  const values = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
  if (values instanceof Float64Array) return values.length === n ? values : values.subarray(0, n);
  const type = data.type as DataType;
  const out = new Float64Array(n);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
    if (values instanceof BigInt64Array) for (let i = 0; i < n; i++) out[i] = words[2 * i + 1] * 4_294_967_296 + (words[2 * i] >>> 0);
    else for (let i = 0; i < n; i++) out[i] = (words[2 * i + 1] >>> 0) * 4_294_967_296 + (words[2 * i] >>> 0);
  } else if ((DataType.isInt(type) || (DataType.isFloat(type) && type.precision !== 0)) && values) {
    for (let i = 0; i < n; i++) out[i] = (values as ArrayLike<number>)[i];
  } else {
    const c = numberColumn(data);
    for (let i = 0; i < n; i++) if (c.valid(i)) out[i] = c.num(i);
  }
  return out;
}

/** Whether row i of `data` holds a value; undefined when every row does (so a loop can skip the test). */
export function validityIfNulls(data: Data): ((i: number) => boolean) | undefined {
  return data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0 ? validity(data) : undefined;
}

/** A column whose rows can be ordered: `compare(i, j)` of two valid rows, in the order min/max and quantile_disc use. */
export interface OrderedColumn {
  valid(i: number): boolean;
  compare(i: number, j: number): number;
}

export function orderedColumn(batch: RecordBatch, index: number): OrderedColumn {
  const data = batch.data.children[index];
  const column = orderColumn(data, () => keyColumn(batch, batch.schema.fields[index].name));
  return { valid: validity(data), compare: (i, j) => column.compare(i, column, j) };
}
