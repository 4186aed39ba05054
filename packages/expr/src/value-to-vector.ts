import { Bool, Float64, Null, TimestampMillisecond, Utf8, makeData, makeVector, type Vector } from 'apache-arrow';
import { internalError } from './diagnostic.js';
import type { ExprType } from './expr-type.js';
import type { BoolVec, ConstVal, Mask, NumVec, StrVec, Value } from './vector/values.js';

/**
 * An evaluator value as an Arrow vector of `n` rows: numbers as Float64 (or TimestampMillisecond
 * for date/times), strings as Utf8, booleans as Bool; a constant is repeated on every row.
 */
export function valueToVector(value: Value, type: ExprType, n: number): Vector {
  switch (value.kind) {
    case 'num':
      return numVector(value, type, n);
    case 'bool':
      return boolVector(value, n);
    case 'str':
      return strVector(value, n);
    case 'const':
      return constVector(value, type, n);
  }
}

function numVector(v: NumVec, type: ExprType, n: number): Vector {
  // Column values arrive in their native array (Int32Array, ...) and possibly longer than n.
  const values = v.values instanceof Float64Array && v.values.length === n ? v.values : Float64Array.from(v.values.subarray(0, n));
  const { nullBitmap, nullCount } = packValidity(v.valid, n);
  if (type === 'temporal') {
    const ms = new BigInt64Array(n);
    for (let i = 0; i < n; i++) ms[i] = Number.isFinite(values[i]) ? BigInt(Math.trunc(values[i])) : 0n;
    return makeVector(makeData({ type: new TimestampMillisecond(), length: n, nullCount, nullBitmap, data: ms }));
  }
  return makeVector(makeData({ type: new Float64(), length: n, nullCount, nullBitmap, data: values }));
}

function boolVector(v: BoolVec, n: number): Vector {
  const { nullBitmap, nullCount } = packValidity(v.valid, n);
  return makeVector(makeData({ type: new Bool(), length: n, nullCount, nullBitmap, data: packBits(v.values, n) }));
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

function constVector(c: ConstVal, type: ExprType, n: number): Vector {
  if (c.value === null) {
    const valid = new Uint8Array(n);
    if (type === 'string') return strVector({ kind: 'str', bytes: new Uint8Array(0), offsets: new Int32Array(n + 1), keys: null, entries: n, valid }, n);
    if (type === 'boolean') return boolVector({ kind: 'bool', values: new Uint8Array(n), valid }, n);
    if (type === 'number' || type === 'temporal') return numVector({ kind: 'num', values: new Float64Array(n), valid }, type, n);
    return makeVector(makeData({ type: new Null(), length: n }));
  }
  if (typeof c.value === 'string') {
    const utf8 = c.utf8 ?? new TextEncoder().encode(c.value);
    return strVector({ kind: 'str', bytes: utf8, offsets: Int32Array.of(0, utf8.length), keys: new Uint8Array(n), entries: 1, valid: null }, n);
  }
  if (typeof c.value === 'boolean') return boolVector({ kind: 'bool', values: new Uint8Array(n).fill(c.value ? 1 : 0), valid: null }, n);
  return numVector({ kind: 'num', values: new Float64Array(n).fill(c.value), valid: null }, type, n);
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
