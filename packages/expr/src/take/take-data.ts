import { BufferType, Data, MapRow, StructRow, Type, Vector, makeBuilder, makeData, makeVector } from 'apache-arrow';
import { takeBits, takeValidity } from './take-bits.js';
import { takeFixedWidth } from './take-fixed-width.js';
import { takeVariableWidth } from './take-strings.js';

// Types whose values are `stride` fixed-size elements per row in one buffer.
const FIXED_WIDTH = new Set<Type>([Type.Int, Type.Float, Type.Date, Type.Timestamp, Type.Time, Type.Duration, Type.Interval, Type.Decimal, Type.FixedSizeBinary]);
const VARIABLE_WIDTH = new Set<Type>([Type.Utf8, Type.Binary, Type.LargeUtf8, Type.LargeBinary]);

/** One column's rows at `indices`, as new Data of the same type. */
export function takeData(data: Data, indices: Uint32Array): Data {
  const type = data.type;
  const length = indices.length;
  const typeId = type.typeId as Type;
  if (typeId === Type.Null) return makeData({ type, length });
  const { nullBitmap, nullCount } = takeValidity(data, indices);
  const build = (values: unknown, valueOffsets?: unknown) =>
    new Data(type, 0, length, nullCount, { [BufferType.OFFSET]: valueOffsets, [BufferType.DATA]: values, [BufferType.VALIDITY]: nullBitmap }, [], data.dictionary);
  if (FIXED_WIDTH.has(typeId)) return build(takeFixedWidth(data.values, data.stride, indices));
  if (typeId === Type.Bool) return build(takeBits(data.values, data.offset, indices).bits);
  if (VARIABLE_WIDTH.has(typeId)) {
    const taken = takeVariableWidth(data.values, data.valueOffsets, data.length, indices);
    return build(taken.data, taken.valueOffsets);
  }
  // Same dictionary, gathered keys.
  if (typeId === Type.Dictionary) return build(takeFixedWidth(data.values, 1, indices));
  return takeViaBuilder(data, indices);
}

/** Nested and view types: read each row through Arrow and build it again. Correct, not fast. */
function takeViaBuilder(data: Data, indices: Uint32Array): Data {
  const vector = makeVector(data);
  const builder = makeBuilder({ type: data.type, nullValues: [null, undefined] });
  for (const i of indices) builder.append(builderValue(vector.get(i)));
  return builder.finish().flush();
}

/** Builders take plain arrays, objects and Maps; `get()` returns Vectors and row proxies for nested values. */
function builderValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (v instanceof Vector) return Array.from(v, builderValue);
  if (v instanceof MapRow) return new Map(Array.from(v, ([key, value]) => [builderValue(key), builderValue(value)]));
  if (v instanceof StructRow) return Object.fromEntries(Object.entries(v.toJSON()).map(([key, value]) => [key, builderValue(value)]));
  return v;
}
