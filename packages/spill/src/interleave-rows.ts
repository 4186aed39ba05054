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
  if (!interleavable(schema, sources)) {
    const starts = new Uint32Array(sources.length);
    for (let s = 1; s < sources.length; s++) starts[s] = starts[s - 1] + sources[s - 1].numRows;
    return takeRows(concatBatches(schema, sources), Uint32Array.from(rows, (r, i) => starts[source[i]] + r));
  }
  const children = schema.fields.map((_, c) => interleaveColumn(sources.map((s) => s.data.children[c] as Data), source, rows, n));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
}

/** Whether `interleaveRows` copies buffer to buffer (flat columns, batches at offset 0) rather than concatenating `sources` first. */
export function interleavable(schema: Schema, sources: readonly RecordBatch[]): boolean {
  const flat = schema.fields.every((f) => FIXED_WIDTH.has(f.type.typeId) || f.type.typeId === Type.Utf8 || f.type.typeId === Type.Binary || f.type.typeId === Type.Bool);
  return flat && sources.every((s) => s.data.children.every((c) => c.offset === 0));
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
  return build(interleaveFixed(columns, source, rows, n));
}

type Unit = Int32Array | Uint16Array | Uint8Array;

/**
 * Fixed-width values copied as raw 32/16/8-bit units whatever the type (as @pypeline/expr's
 * take kernels do): bit-exact, no BigInt per int64 cell, one array type per loop.
 */
function interleaveFixed(columns: Data[], source: Uint32Array, rows: Uint32Array, n: number): ArrayBufferView {
  const first = columns[0].values as ArrayBufferView & { BYTES_PER_ELEMENT: number; constructor: new (b: ArrayBuffer, o: number, l: number) => ArrayBufferView };
  const rowBytes = first.BYTES_PER_ELEMENT * columns[0].stride;
  const aligned = (a: number) => columns.every((d) => (d.values as ArrayBufferView).byteOffset % a === 0);
  const unit = rowBytes % 4 === 0 && aligned(4) ? 4 : rowBytes % 2 === 0 && aligned(2) ? 2 : 1;
  const View = unit === 4 ? Int32Array : unit === 2 ? Uint16Array : Uint8Array;
  const views = columns.map((d) => {
    const v = d.values as ArrayBufferView;
    return new View(v.buffer as ArrayBuffer, v.byteOffset, v.byteLength / unit) as Unit;
  });
  const stride = rowBytes / unit;
  const out = new View(n * stride) as Unit;
  if (stride === 1) for (let i = 0; i < n; i++) out[i] = views[source[i]][rows[i]];
  else if (stride === 2) {
    for (let i = 0; i < n; i++) {
      const v = views[source[i]];
      const from = rows[i] * 2;
      out[2 * i] = v[from];
      out[2 * i + 1] = v[from + 1];
    }
  } else for (let i = 0; i < n; i++) for (let k = 0, from = rows[i] * stride, v = views[source[i]]; k < stride; k++) out[i * stride + k] = v[from + k];
  return new first.constructor(out.buffer as ArrayBuffer, 0, (n * rowBytes) / first.BYTES_PER_ELEMENT);
}

function interleaveVariable(columns: Data[], source: Uint32Array, rows: Uint32Array, n: number, build: (values: unknown, offsets: Int32Array) => Data): Data {
  // Each source's buffers once, not read off its Data row by row.
  const offsetsOf = columns.map((d) => d.valueOffsets as Int32Array);
  const bytesOf = columns.map((d) => d.values as Uint8Array);
  // Each row's source offsets are read once (random reads, the cost of a gather): its start is
  // kept in order for the copy, which then reads only the bytes.
  const offsets = new Int32Array(n + 1);
  const starts = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = offsetsOf[source[i]];
    const r = rows[i];
    const start = o[r];
    starts[i] = start;
    offsets[i + 1] = offsets[i] + o[r + 1] - start;
  }
  const out = new Uint8Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    const bytes = bytesOf[source[i]];
    const start = starts[i];
    const at = offsets[i];
    const len = offsets[i + 1] - at;
    if (len < 16) for (let k = 0; k < len; k++) out[at + k] = bytes[start + k];
    else out.set(bytes.subarray(start, start + len), at);
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
