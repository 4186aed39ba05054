import {
  Bool, DateDay, Decimal, Float64, Int64, Null, TimestampMicrosecond, Utf8, makeData, makeVector, type Vector,
} from 'apache-arrow';
import { ExprError, internalError } from './diagnostic.js';
import { decimalParts, isDecimal, type ExprType } from './expr-type.js';
import { DecimalValue } from './scalar/values.js';
import { checkInt64 } from './scalar/cast.js';
import { buildValue } from './vector/rowwise.js';
import type { Mask, StrVec, Value } from './vector/values.js';

/**
 * An evaluator value as an Arrow vector of `n` rows of the Arrow type `arrowTypeOf(type)`:
 * integers Int64, floats Float64, decimals Decimal128, dates DateDay, timestamps
 * TimestampMicrosecond, strings Utf8, booleans Bool; a constant is repeated on every row.
 */
export function valueToVector(value: Value, type: ExprType, n: number): Vector {
  if (value.kind === 'const') {
    if (value.value === null && (type === 'null' || type === 'unknown')) return makeVector(makeData({ type: new Null(), length: n }));
    const c = value.value;
    return valueToVector(buildValue(type, n, () => c), type, n);
  }
  const { nullBitmap, nullCount } = packValidity(value.valid, n);
  if (type === 'interval') {
    throw new ExprError([{ message: 'an interval cannot be stored in a column', start: 0, end: 0, hint: "add it to a date or timestamp (t + interval '1 day'), or turn it into a number with epoch(interval)" }]);
  }
  if (isDecimal(type)) {
    if (value.kind !== 'obj') throw internalError(`decimal result held as ${value.kind}`);
    const { scale } = decimalParts(type);
    const words = new Uint32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const v = value.values[i];
      if (!(v instanceof DecimalValue)) continue;
      let u = BigInt.asUintN(128, v.rescale(scale).units);
      for (let w = 0; w < 4; w++, u >>= 32n) words[i * 4 + w] = Number(u & 0xffffffffn);
    }
    const { precision } = decimalParts(type);
    return makeVector(makeData({ type: new Decimal(scale, precision, 128), length: n, nullCount, nullBitmap, data: words }));
  }
  switch (type) {
    case 'integer': {
      const data = value.kind === 'big' ? value.values.slice(0, n) : value.kind === 'obj' ? BigInt64Array.from(value.values, (v) => (v === null ? 0n : checkInt64(v as bigint, 'storing an integer'))) : toBigInt64(value, n);
      return makeVector(makeData({ type: new Int64(), length: n, nullCount, nullBitmap, data }));
    }
    case 'float': {
      if (value.kind !== 'num') throw internalError(`float held as ${value.kind}`);
      const data = value.values instanceof Float64Array && value.values.length === n ? value.values : Float64Array.from(value.values.subarray(0, n));
      return makeVector(makeData({ type: new Float64(), length: n, nullCount, nullBitmap, data }));
    }
    case 'date': {
      if (value.kind !== 'num') throw internalError(`date held as ${value.kind}`);
      return makeVector(makeData({ type: new DateDay(), length: n, nullCount, nullBitmap, data: Int32Array.from(value.values.subarray(0, n)) }));
    }
    case 'timestamp': {
      if (value.kind !== 'num') throw internalError(`timestamp held as ${value.kind}`);
      return makeVector(makeData({ type: new TimestampMicrosecond(), length: n, nullCount, nullBitmap, data: toBigInt64(value, n) }));
    }
    case 'boolean':
      if (value.kind !== 'bool') throw internalError(`boolean held as ${value.kind}`);
      return makeVector(makeData({ type: new Bool(), length: n, nullCount, nullBitmap, data: packBits(value.values, n) }));
    case 'string':
      if (value.kind !== 'str') throw internalError(`string held as ${value.kind}`);
      return strVector(value, n);
  }
  return makeVector(makeData({ type: new Null(), length: n }));
}

/**
 * Whole numbers within ±2^53 as Int64, written as two 32-bit halves: a BigInt per row would be
 * an order of magnitude slower. Little-endian, as Arrow JS assumes.
 */
function toBigInt64(value: Value, n: number): BigInt64Array {
  if (value.kind !== 'num') throw internalError(`integer held as ${value.kind}`);
  const out = new BigInt64Array(n);
  const halves = new Int32Array(out.buffer);
  const v = value.values;
  for (let i = 0; i < n; i++) {
    const x = Math.trunc(v[i]);
    if (!Number.isFinite(x)) continue;
    const hi = Math.floor(x / 4294967296);
    halves[2 * i] = x - hi * 4294967296;
    halves[2 * i + 1] = hi;
  }
  return out;
}

/** Dictionary-keyed strings are expanded to one entry per row; offsets become Int32. */
function strVector(v: StrVec, n: number): Vector {
  const { nullBitmap, nullCount } = packValidity(v.valid, n);
  if (!v.keys && v.offsets instanceof Int32Array) {
    return makeVector(makeData({ type: new Utf8(), length: n, nullCount, nullBitmap, valueOffsets: v.offsets.subarray(0, n + 1), data: v.bytes }));
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const k = v.keys ? v.keys[i] : i;
    const valid = !v.valid || v.valid[i] === 1;
    offsets[i + 1] = offsets[i] + (valid ? v.offsets[k + 1] - v.offsets[k] : 0);
  }
  if (offsets[n] > 0x7fffffff || offsets[n] < 0) throw internalError('string result over 2 GiB in one batch');
  const bytes = new Uint8Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    if (offsets[i + 1] === offsets[i]) continue;
    const k = v.keys ? v.keys[i] : i;
    bytes.set(v.bytes.subarray(v.offsets[k], v.offsets[k + 1]), offsets[i]);
  }
  return makeVector(makeData({ type: new Utf8(), length: n, nullCount, nullBitmap, valueOffsets: offsets, data: bytes }));
}

function packValidity(valid: Mask | null, n: number): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  if (!valid) return { nullBitmap: undefined, nullCount: 0 };
  let nulls = 0;
  for (let i = 0; i < n; i++) nulls += valid[i] ^ 1;
  return nulls === 0 ? { nullBitmap: undefined, nullCount: 0 } : { nullBitmap: packBits(valid, n), nullCount: nulls };
}

function packBits(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

