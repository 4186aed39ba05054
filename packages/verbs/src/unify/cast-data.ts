import { Data, DataType, Field, RecordBatch, Schema, Struct, TimeUnit, makeBuilder, makeData, makeVector, type Decimal, type Float, type Int, type Timestamp, type Utf8 } from 'apache-arrow';
import { compileValue, parseExpression, type ValueKernel } from '@pypeline/expr';
import { concatData } from '../concat-batches.js';
import { validity } from '../aggregate/index.js';
import { sameType, typeName } from './common-type.js';

/**
 * One column widened to `to`, a type `commonType` gave for it: values keep their meaning
 * (1 → 1.0, a date → its midnight, 2.5 → '2.5' as DuckDB writes it) and nulls stay null. A
 * column already of type `to` is returned as it is, so unifying costs nothing when types agree.
 * Text and decimals go through the expression language's CAST (the one cast table); numbers and
 * times are converted straight from their buffers.
 */
export function castData(data: Data, to: DataType): Data {
  const from = data.type as DataType;
  if (sameType(from, to)) return data;
  if (DataType.isNull(from) || data.length === 0) return nullData(to, data.length);
  if (DataType.isUtf8(to) || DataType.isDecimal(to)) return viaCast(data, to);
  if (DataType.isInt(to) || DataType.isFloat(to)) return toNumber(data, to);
  if (DataType.isTimestamp(to) && (DataType.isDate(from) || DataType.isTimestamp(from))) return toTimestamp(data, to);
  throw new Error(`internal error in @pypeline/verbs: castData cannot cast ${typeName(from)} to ${typeName(to)} (this is a bug in PYpeline; please report it)`);
}

/** `length` nulls of any type: zeroed buffers for text and fixed-width types (no per-row work). */
export function nullData(type: DataType, length: number): Data {
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  if (DataType.isUtf8(type) || DataType.isBinary(type)) {
    return makeData({ type: type as Utf8, length, nullCount: length, nullBitmap, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) });
  }
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDate(type) || DataType.isTimestamp(type) || DataType.isDecimal(type)) {
    const stride = DataType.isDecimal(type) ? type.bitWidth / 32 : 1;
    return makeData({ type: type as Int, length, nullCount: length, nullBitmap, data: new (type as Int).ArrayType(length * stride) as Int['TArray'] });
  }
  const builder = makeBuilder({ type, nullValues: [null] });
  for (let i = 0; i < length; i++) builder.append(null);
  return builder.finish().flush();
}

function bitmapOf(data: Data): Uint8Array | undefined {
  if (data.nullCount === 0) return undefined;
  const valid = validity(data);
  const bits = new Uint8Array(Math.ceil(data.length / 8));
  for (let i = 0; i < data.length; i++) if (valid(i)) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

// WARNING: Arrow slices fixed-width value buffers with the data (row i is values[i]) but not
// the validity bitmap or a boolean's bits, which stay at data.offset + i.
function readNumber(data: Data): (i: number) => number | bigint {
  const type = data.type as DataType;
  if (DataType.isBool(type)) {
    const v = makeVector(data);
    return (i) => (v.get(i) ? 1 : 0);
  }
  if (DataType.isDecimal(type)) {
    const words = data.values as Uint32Array;
    const stride = (type as Decimal).bitWidth / 32;
    const scale = 10 ** (type as Decimal).scale;
    return (i) => {
      let v = 0n;
      for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * stride + w]);
      return Number(BigInt.asIntN((type as Decimal).bitWidth, v)) / scale;
    };
  }
  const values = data.values as ArrayLike<number | bigint>;
  return (i) => values[i];
}

function toNumber(data: Data, to: Int | Float): Data {
  const from = data.type as DataType;
  const wide = DataType.isInt(to) && to.bitWidth === 64;
  let values: (number | bigint)[];
  if (!wide && (DataType.isInt(from) || DataType.isFloat(from)) && !(data.values instanceof BigInt64Array || data.values instanceof BigUint64Array)) {
    // Number to number: the typed array constructor converts natively.
    const out = new to.ArrayType(data.length) as unknown as Float64Array;
    out.set((data.values as Float64Array).subarray(0, data.length));
    values = out as unknown as number[];
  } else {
    const read = readNumber(data);
    values = new to.ArrayType(data.length) as unknown as (number | bigint)[];
    for (let i = 0; i < data.length; i++) {
      const v = read(i);
      values[i] = wide ? BigInt(v) : Number(v);
    }
  }
  return makeData({ type: to as Int, length: data.length, nullCount: data.nullCount, nullBitmap: bitmapOf(data), data: values as unknown as Int['TArray'] });
}

const PER_SECOND: Record<TimeUnit, bigint> = { [TimeUnit.SECOND]: 1n, [TimeUnit.MILLISECOND]: 1_000n, [TimeUnit.MICROSECOND]: 1_000_000n, [TimeUnit.NANOSECOND]: 1_000_000_000n };

function toTimestamp(data: Data, to: Timestamp): Data {
  const from = data.type as DataType;
  const values = data.values as Int32Array | BigInt64Array;
  const out = new BigInt64Array(data.length);
  if (DataType.isDate(from)) {
    // DateDay holds days; DateMillisecond milliseconds.
    const day = from.unit === 0;
    for (let i = 0; i < data.length; i++) out[i] = day ? BigInt(values[i]) * 86_400n * PER_SECOND[to.unit] : (BigInt(values[i]) * PER_SECOND[to.unit]) / 1_000n;
  } else {
    const unit = (from as Timestamp).unit;
    for (let i = 0; i < data.length; i++) out[i] = (BigInt(values[i]) * PER_SECOND[to.unit]) / PER_SECOND[unit];
  }
  return makeData({ type: to, length: data.length, nullCount: data.nullCount, nullBitmap: bitmapOf(data), data: out as unknown as Timestamp['TArray'] });
}

const kernels = new Map<string, ValueKernel>();

/** CAST(v AS VARCHAR | DECIMAL(p, s)) by the expression language, compiled once per pair of types. */
function viaCast(data: Data, to: DataType): Data {
  const input = new Field('v', data.type, true);
  const sqlType = DataType.isDecimal(to) ? `DECIMAL(${to.precision}, ${to.scale})` : 'VARCHAR';
  const key = `${String(data.type)}->${sqlType}`;
  let kernel = kernels.get(key);
  if (!kernel) {
    const parsed = parseExpression(`CAST(v AS ${sqlType})`);
    kernel = compileValue(parsed.expr!, new Schema([input]));
    if (!sameType(kernel.arrowType, to)) throw new Error(`internal error in @pypeline/verbs: CAST to ${sqlType} gives ${String(kernel.arrowType)}, not ${String(to)}`);
    kernels.set(key, kernel);
  }
  const batch = new RecordBatch(new Schema([input]), makeData({ type: new Struct([input]), length: data.length, nullCount: 0, children: [data] }));
  return concatData(kernel(batch).data);
}
