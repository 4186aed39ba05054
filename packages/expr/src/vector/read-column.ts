import { DataType, DateUnit, Precision, TimeUnit, Utf8, makeVector, vectorFromArray, type Data, type Vector } from 'apache-arrow';
import { internalError } from '../diagnostic.js';
import { DecimalValue, type Scalar } from '../scalar/values.js';
import { int64ToFloat64 } from './int64.js';
import { unpackBits } from './masks.js';
import { flattenStrings } from './flatten-strings.js';
import type { BigVec, BoolVec, KeyArray, Mask, NumArray, NumVec, ObjVec, StrVec, Value } from './values.js';

const MS_PER_DAY = 86_400_000;
const US_PER_UNIT: Record<TimeUnit, number> = {
  [TimeUnit.SECOND]: 1e6,
  [TimeUnit.MILLISECOND]: 1e3,
  [TimeUnit.MICROSECOND]: 1,
  [TimeUnit.NANOSECOND]: 1e-3,
};

/**
 * One column of a batch as an evaluator value, straight from Arrow's buffers: native typed arrays
 * are used as they are; 64-bit integers become float64 when every value is within ±2^53 (exact)
 * and stay BigInt64Array otherwise; dates are days, timestamps microseconds; decimals are exact
 * DecimalValues; strings stay as UTF-8 bytes plus offsets. Only Float16 goes through Arrow's getters.
 */
export function readColumn(data: Data): Value {
  const n = data.length;
  const valid = validityOf(data);
  const type = data.type;
  if (DataType.isInt(type)) return type.bitWidth === 64 ? readInt64(data.values, n, valid, type.isSigned) : num(data.values, valid);
  if (DataType.isFloat(type)) return num(type.precision === Precision.HALF ? viaGetters(data) : data.values, valid);
  if (DataType.isDecimal(type)) return readDecimal(data.values, n, valid, type.scale);
  if (DataType.isBool(type)) return { kind: 'bool', values: unpackBits(data.values, data.offset, n), valid } satisfies BoolVec;
  if (DataType.isDate(type)) return num(type.unit === DateUnit.DAY ? data.values : msToDays(int64ToFloat64(data.values, n)), valid);
  if (DataType.isTimestamp(type)) {
    const us = int64ToFloat64(data.values, n, US_PER_UNIT[type.unit]);
    if (type.unit === TimeUnit.NANOSECOND) for (let i = 0; i < n; i++) us[i] = Math.floor(us[i]);
    return num(us, valid);
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return { ...flattenStrings(data), keys: null, valid };
  if (DataType.isDictionary(type)) return readDictionary(data, valid);
  throw internalError(`readColumn reached unsupported type ${String(type)}`);
}

function num(values: NumArray, valid: Mask | null): NumVec {
  return { kind: 'num', values, valid };
}

function validityOf(data: Data): Mask | null {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return null;
  return unpackBits(data.nullBitmap, data.offset, data.length);
}

function msToDays(ms: Float64Array): Float64Array {
  for (let i = 0; i < ms.length; i++) ms[i] = Math.floor(ms[i] / MS_PER_DAY);
  return ms;
}

/** Float64 when every value is within ±2^53 (the usual case, and fast); BigInt64Array otherwise. */
function readInt64(values: BigInt64Array | BigUint64Array, n: number, valid: Mask | null, signed: boolean): NumVec | BigVec | ObjVec {
  const halves = new Int32Array(values.buffer, values.byteOffset, n * 2);
  let safe = true;
  let maxHi = 0;
  for (let i = 0; i < n && safe; i++) {
    const hi = halves[2 * i + 1];
    // |v| < 2^53 exactly when the high word is within ±2^21 (unsigned: below 2^21).
    if ((signed ? hi >= 0x200000 || hi < -0x200000 : hi >>> 0 >= 0x200000) && (valid === null || valid[i] === 1)) safe = false;
    const mag = signed && hi < 0 ? -hi : hi >>> 0;
    if (mag > maxHi) maxHi = mag;
  }
  if (safe) return { kind: 'num', values: int64ToFloat64(values, n), valid, bound: (maxHi + 1) * 4294967296 };
  if (signed) return { kind: 'big', values: (values as BigInt64Array).subarray(0, n), valid };
  // UINT64 beyond BIGINT: exact values per row; arithmetic that must store them fails as overflow.
  return { kind: 'obj', values: Array.from((values as BigUint64Array).subarray(0, n)), valid };
}

/** Decimal128: four little-endian 32-bit words per value, two's complement. */
function readDecimal(words: Uint32Array, n: number, valid: Mask | null, scale: number): ObjVec {
  const values = new Array<Scalar>(n);
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) { values[i] = null; continue; }
    const o = i * 4;
    const u = (BigInt(words[o + 3]) << 96n) | (BigInt(words[o + 2]) << 64n) | (BigInt(words[o + 1]) << 32n) | BigInt(words[o]);
    values[i] = new DecimalValue(BigInt.asIntN(128, u), scale);
  }
  return { kind: 'obj', values, valid };
}

function viaGetters(data: Data): Float64Array {
  const vector = makeVector(data);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(vector.get(i) ?? 0);
  return out;
}

// Batches of one table share their dictionary vector: flatten it once, not once per batch.
const flatDictionaries = new WeakMap<Vector, Omit<StrVec, 'keys' | 'valid'> & { entryValid: Mask | null }>();

function readDictionary(data: Data, valid: Mask | null): StrVec {
  const dictionary = data.dictionary;
  if (!dictionary) throw internalError('dictionary column without a dictionary');
  let flat = flatDictionaries.get(dictionary);
  if (!flat) {
    const chunks = dictionary.data;
    // Delta dictionaries arrive as several chunks; keys index their concatenation.
    const merged = chunks.length === 1 ? chunks[0] : vectorFromArray([...dictionary] as (string | null)[], new Utf8()).data[0];
    const entryValid = validityOf(merged);
    flat = { ...flattenStrings(merged), entryValid };
    flatDictionaries.set(dictionary, flat);
  }
  const keys = keysOf(data);
  const rowValid = flat.entryValid ? dictionaryNulls(keys, flat.entryValid, valid, data.length) : valid;
  return { kind: 'str', bytes: flat.bytes, offsets: flat.offsets, entries: flat.entries, keys, valid: rowValid };
}

function keysOf(data: Data): KeyArray {
  const values = data.values as KeyArray | BigInt64Array | BigUint64Array;
  if (!(values instanceof BigInt64Array || values instanceof BigUint64Array)) return values;
  return Int32Array.from(int64ToFloat64(values, data.length));
}

/** A row is null if its key is null or the dictionary entry it points at is null. */
function dictionaryNulls(keys: KeyArray, entryValid: Mask, valid: Mask | null, n: number): Mask {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (valid ? valid[i] : 1) & entryValid[keys[i]];
  return out;
}
