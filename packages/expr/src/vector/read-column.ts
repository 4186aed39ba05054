import { DataType, DateUnit, Precision, TimeUnit, Utf8, makeVector, vectorFromArray, type Data, type Vector } from 'apache-arrow';
import { internalError } from '../diagnostic.js';
import { int64ToFloat64 } from './int64.js';
import { unpackBits } from './masks.js';
import { flattenStrings } from './flatten-strings.js';
import type { BoolVec, KeyArray, Mask, NumArray, NumVec, StrVec, Value } from './values.js';

const MS_PER_DAY = 86_400_000;
const MS_PER_UNIT: Record<TimeUnit, number> = {
  [TimeUnit.SECOND]: 1000,
  [TimeUnit.MILLISECOND]: 1,
  [TimeUnit.MICROSECOND]: 1e-3,
  [TimeUnit.NANOSECOND]: 1e-6,
};

/**
 * One column of a batch as an evaluator value, straight from Arrow's buffers: native typed arrays
 * are used as they are; 64-bit integers and dates/timestamps become float64 (milliseconds for
 * times); strings stay as UTF-8 bytes plus offsets. Only Float16 goes through Arrow's getters.
 */
export function readColumn(data: Data): Value {
  const n = data.length;
  const valid = validityOf(data);
  const type = data.type;
  if (DataType.isInt(type)) return num(type.bitWidth === 64 ? int64ToFloat64(data.values, n) : data.values, valid);
  if (DataType.isFloat(type)) return num(type.precision === Precision.HALF ? viaGetters(data) : data.values, valid);
  if (DataType.isBool(type)) return { kind: 'bool', values: unpackBits(data.values, data.offset, n), valid } satisfies BoolVec;
  if (DataType.isDate(type)) return num(type.unit === DateUnit.DAY ? daysToMs(data.values, n) : int64ToFloat64(data.values, n), valid);
  if (DataType.isTimestamp(type)) return num(int64ToFloat64(data.values, n, MS_PER_UNIT[type.unit]), valid);
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

function daysToMs(days: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = days[i] * MS_PER_DAY;
  return out;
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
