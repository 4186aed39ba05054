import { Data, RecordBatch, Struct, Type, makeBuilder, makeData, makeVector, type DataType, type Null, type Schema } from 'apache-arrow';

const FIXED_WIDTH = new Set<Type>([Type.Int, Type.Float, Type.Date, Type.Timestamp, Type.Time, Type.Duration, Type.Interval, Type.Decimal, Type.FixedSizeBinary]);
const VARIABLE_WIDTH = new Set<Type>([Type.Utf8, Type.Binary]);

/**
 * The batches as one batch, so row indices span the whole table: buffers are copied column by
 * column (strings stay bytes). A single batch is returned as it is.
 */
export function concatBatches(schema: Schema, batches: readonly RecordBatch[]): RecordBatch {
  if (batches.length === 1) return batches[0];
  if (batches.length === 0) {
    const empty = schema.fields.map((f) => makeBuilder({ type: f.type }).finish().flush());
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children: empty }));
  }
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const children = schema.fields.map((_, c) => concatData(batches.map((b) => b.data.children[c])));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/** One column's chunks as one Data of the same type. */
export function concatData(chunks: readonly Data[]): Data {
  const type = chunks[0]?.type;
  const length = chunks.reduce((n, d) => n + d.length, 0);
  if (chunks.length === 1) return chunks[0];
  if (chunks.length === 0 || !type) throw new Error('internal error in @pypeline/verbs: concatData needs at least one chunk');
  const { nullBitmap, nullCount } = concatValidity(chunks, length);
  const typeId = type.typeId as Type;
  const build = (buffers: { data?: unknown; valueOffsets?: Int32Array }, dictionary = chunks[0].dictionary) =>
    new Data(type, 0, length, nullCount, { [0]: buffers.valueOffsets, [1]: buffers.data, [2]: nullBitmap }, [], dictionary);
  if (FIXED_WIDTH.has(typeId)) return build({ data: concatFixed(chunks, length) });
  if (typeId === Type.Bool) return build({ data: concatBits(chunks.map((d) => ({ bits: d.values, offset: d.offset, length: d.length })), length) });
  if (VARIABLE_WIDTH.has(typeId)) return build(concatVariable(chunks, length));
  if (typeId === Type.Dictionary && chunks.every((d) => d.dictionary === chunks[0].dictionary)) return build({ data: concatFixed(chunks, length) });
  if (typeId === Type.Null) return makeData({ type: type as DataType as Null, length });
  return viaBuilder(chunks);
}

// Fixed-width values are already sliced to each chunk's rows (Arrow slices DATA for these types).
function concatFixed(chunks: readonly Data[], length: number): ArrayLike<unknown> {
  const stride = chunks[0].stride;
  const out = new (chunks[0].values.constructor as new (n: number) => ArrayLike<unknown> & { set(values: ArrayLike<unknown>, offset: number): void })(length * stride);
  let at = 0;
  for (const d of chunks) {
    out.set(d.values.subarray(0, d.length * stride), at);
    at += d.length * stride;
  }
  return out;
}

function concatVariable(chunks: readonly Data[], length: number): { data: Uint8Array; valueOffsets: Int32Array } {
  const offsets = new Int32Array(length + 1);
  let bytes = 0;
  for (const d of chunks) bytes += d.valueOffsets[d.length] - d.valueOffsets[0];
  const data = new Uint8Array(bytes);
  let row = 0;
  let pos = 0;
  for (const d of chunks) {
    const o = d.valueOffsets;
    const base = o[0];
    data.set(d.values.subarray(base, o[d.length]), pos);
    for (let i = 1; i <= d.length; i++) offsets[row + i] = pos + o[i] - base;
    row += d.length;
    pos += o[d.length] - base;
  }
  return { data, valueOffsets: offsets };
}

function concatValidity(chunks: readonly Data[], length: number): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  const nullCount = chunks.reduce((n, d) => n + d.nullCount, 0);
  if (nullCount === 0) return { nullBitmap: undefined, nullCount: 0 };
  const parts = chunks.map((d) => (d.nullCount > 0 && d.nullBitmap?.length ? { bits: d.nullBitmap, offset: d.offset, length: d.length } : { bits: null, offset: 0, length: d.length }));
  return { nullBitmap: concatBits(parts, length), nullCount };
}

/** Bit-packed parts (null `bits`: all set) into one bitmap starting at bit 0. */
function concatBits(parts: { bits: Uint8Array | null; offset: number; length: number }[], length: number): Uint8Array {
  const out = new Uint8Array((length + 7) >> 3);
  let at = 0;
  for (const { bits, offset, length: n } of parts) {
    for (let i = 0; i < n; i++) {
      const p = offset + i;
      if (!bits || (bits[p >> 3] >> (p & 7)) & 1) out[(at + i) >> 3] |= 1 << ((at + i) & 7);
    }
    at += n;
  }
  return out;
}

/** Nested and rare types: read each value through Arrow and build again. Correct, not fast. */
function viaBuilder(chunks: readonly Data[]): Data {
  const builder = makeBuilder({ type: chunks[0].type, nullValues: [null, undefined] });
  for (const d of chunks) for (const v of makeVector(d)) builder.append(v);
  return builder.finish().flush();
}
