import { Data, RecordBatch, Struct, Type, makeData, type Schema } from 'apache-arrow';
import { concatBatches, takeRows } from '@pypeline/verbs';

const FIXED_WIDTH = new Set<Type>([Type.Int, Type.Float, Type.Date, Type.Timestamp, Type.Time, Type.Duration, Type.Interval, Type.Decimal, Type.FixedSizeBinary]);

/**
 * Row `i` of the result is row `rows[i]` of `sources[source[i]]`: the gather a k-way merge
 * needs. Flat columns are copied buffer to buffer; other types (nested, dictionaries) go
 * through one concatenation and `takeRows`. WARNING: sources must start at offset 0 (batches
 * read back from spill files do).
 */
export function interleaveRows(schema: Schema, sources: readonly RecordBatch[], source: Uint32Array, rows: Uint32Array): RecordBatch {
  const n = source.length;
  const flat = schema.fields.every((f) => FIXED_WIDTH.has(f.type.typeId) || f.type.typeId === Type.Utf8 || f.type.typeId === Type.Binary || f.type.typeId === Type.Bool);
  if (!flat || sources.some((s) => s.data.children.some((c) => c.offset !== 0))) {
    const starts = new Uint32Array(sources.length);
    for (let s = 1; s < sources.length; s++) starts[s] = starts[s - 1] + sources[s - 1].numRows;
    return takeRows(concatBatches(schema, sources), Uint32Array.from(rows, (r, i) => starts[source[i]] + r));
  }
  const children = schema.fields.map((_, c) => interleaveColumn(sources.map((s) => s.data.children[c] as Data), source, rows, n));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
}

function interleaveColumn(columns: Data[], source: Uint32Array, rows: Uint32Array, n: number): Data {
  const type = columns[0].type;
  const { nullBitmap, nullCount } = interleaveValidity(columns, source, rows, n);
  const build = (values: unknown, valueOffsets?: Int32Array) => new Data(type, 0, n, nullCount, { [0]: valueOffsets, [1]: values, [2]: nullBitmap } as ConstructorParameters<typeof Data>[4]);
  const typeId = type.typeId as Type;
  if (typeId === Type.Bool) {
    const out = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      if ((columns[source[i]].values[r >> 3] >> (r & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
    }
    return build(out);
  }
  if (typeId === Type.Utf8 || typeId === Type.Binary) return interleaveVariable(columns, source, rows, n, build);
  const stride = columns[0].stride;
  const values = columns.map((d) => d.values as unknown as ArrayLike<number>);
  const out = new (columns[0].values.constructor as new (n: number) => { [i: number]: number })(n * stride);
  if (stride === 1) for (let i = 0; i < n; i++) out[i] = values[source[i]][rows[i]];
  else for (let i = 0; i < n; i++) for (let k = 0, from = rows[i] * stride, v = values[source[i]]; k < stride; k++) out[i * stride + k] = v[from + k];
  return build(out);
}

function interleaveVariable(columns: Data[], source: Uint32Array, rows: Uint32Array, n: number, build: (values: unknown, offsets: Int32Array) => Data): Data {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const o = columns[source[i]].valueOffsets as Int32Array;
    offsets[i + 1] = offsets[i] + o[rows[i] + 1] - o[rows[i]];
  }
  const out = new Uint8Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    const d = columns[source[i]];
    const o = d.valueOffsets as Int32Array;
    const start = o[rows[i]];
    const end = o[rows[i] + 1];
    if (end - start < 16) for (let k = start, at = offsets[i]; k < end; k++, at++) out[at] = d.values[k];
    else out.set((d.values as Uint8Array).subarray(start, end), offsets[i]);
  }
  return build(out, offsets);
}

function interleaveValidity(columns: Data[], source: Uint32Array, rows: Uint32Array, n: number): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  if (columns.every((d) => d.nullCount === 0)) return { nullBitmap: undefined, nullCount: 0 };
  const out = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const d = columns[source[i]];
    const bits = d.nullCount > 0 ? d.nullBitmap : undefined;
    const r = rows[i];
    if (!bits || bits.length === 0 || (bits[r >> 3] >> (r & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
    else nullCount++;
  }
  return { nullBitmap: out, nullCount };
}
