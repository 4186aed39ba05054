import {
  Bool, DataType, Field, Float64, Int32, Int64, Precision, RecordBatch, Schema, Struct, TimeUnit, TimestampMillisecond, Type, Utf8,
  Data, makeData, vectorFromArray, type Vector,
} from 'apache-arrow';
import { parseBoolean, parseInt64, parseNumber, parseTime } from '@pypeline/sdk';

/** Column types a stream schema can declare. */
export type ColumnTypeName = 'string' | 'float64' | 'int32' | 'int64' | 'bool' | 'timestamp';
/** A stream schema written by hand: `{ sensor: 'string', value: 'float64', ts: 'timestamp' }`. */
export type SchemaSpec = Record<string, ColumnTypeName>;
export type Row = Record<string, unknown>;

const TYPES: Record<ColumnTypeName, () => DataType> = {
  string: () => new Utf8(),
  float64: () => new Float64(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  bool: () => new Bool(),
  timestamp: () => new TimestampMillisecond(),
};

/** The type names a stream schema accepts. */
export const COLUMN_TYPES = Object.keys(TYPES) as ColumnTypeName[];

export function schemaFromSpec(spec: SchemaSpec): Schema {
  return new Schema(Object.entries(spec).map(([name, t]) => {
    const make = TYPES[t];
    if (!make) throw new Error(`schema: column "${name}" has unknown type "${String(t)}" (use one of ${Object.keys(TYPES).join(', ')})`);
    return new Field(name, make(), true);
  }));
}

/** A schema guessed from rows: numbers → float64, booleans → bool, Date → timestamp, bigint → int64, else string. */
export function inferSchema(rows: readonly Row[]): Schema {
  const spec: SchemaSpec = {};
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (v === null || v === undefined || spec[k]) continue;
      spec[k] = typeof v === 'number' ? 'float64' : typeof v === 'boolean' ? 'bool' : typeof v === 'bigint' ? 'int64' : v instanceof Date ? 'timestamp' : 'string';
    }
  }
  return schemaFromSpec(spec);
}

/**
 * Milliseconds since the epoch from a number, Date, bigint or ISO-8601 text (read by the shared
 * rule of @pypeline/sdk's parseTime: no zone means UTC); null when absent or unreadable.
 */
export function toEpochMs(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return parseTime(v);
  return null;
}

/** A decoded value as a column of `type`; text is read by the shared rules of @pypeline/sdk, unreadable → null. */
function coerce(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (type.typeId) {
    case Type.Utf8: return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case Type.Float:
    case Type.Int: {
      if ((type as Int64).bitWidth === 64 && type.typeId === Type.Int) {
        if (typeof v === 'bigint') return v;
        if (typeof v === 'string' && parseInt64(v) !== null) return parseInt64(v);
        const n = toNumber(v);
        return n !== null && Math.abs(n) < 2 ** 63 ? BigInt(Math.trunc(n)) : null;
      }
      return toNumber(v);
    }
    case Type.Bool: return typeof v === 'boolean' ? v : typeof v === 'string' ? parseBoolean(v) : typeof v === 'number' || typeof v === 'bigint' ? Number(v) !== 0 : null;
    case Type.Timestamp: return toEpochMs(v);
    default: return v;
  }
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseNumber(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
  return null;
}

/** Rows to one record batch with `schema`; values are coerced to the column types (unreadable → null). */
export function rowsToBatch(rows: readonly Row[], schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => fastColumn(rows, f) ?? oneChunk(vectorFromArray(rows.map((r) => coerce(r[f.name], f.type)), f.type)));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

const getters = new Map<string, (row: Row) => unknown>();

/**
 * A function reading property `name` of a row. Compiled with the name as a constant, its property
 * load caches the shape of the rows (decoded JSON objects alike have one), where `row[name]` with
 * a variable name looks the property up every time.
 */
function getter(name: string): (row: Row) => unknown {
  let get = getters.get(name);
  if (!get) {
    // The name goes in as a JSON string literal: no code can be injected through a column name.
    get = new Function('row', `return row[${JSON.stringify(name)}];`) as (row: Row) => unknown;
    if (getters.size < 10_000) getters.set(name, get);
  }
  return get;
}

/**
 * The JS strings an all-ASCII text column was built from by rowsToBatch or batchWriter, by its
 * Data: a reader of the column (a key, say) takes them instead of decoding the UTF-8 again. Null
 * slots hold ''. They live as long as the column does.
 */
const builtTexts = new WeakMap<Data, readonly string[]>();

/** The strings text column `data` was built from (see builtTexts), if rowsToBatch built it. */
export function columnTexts(data: Data): readonly string[] | undefined {
  return builtTexts.get(data);
}

/** A column's values as rowsToBatch takes them: from rows, or a row at a time (batchWriter). */
function fastColumn(rows: readonly Row[], field: Field): Data | undefined {
  const n = rows.length;
  const w = columnWriter(field.type as DataType, n);
  if (!w) return undefined;
  const get = getter(field.name);
  for (let i = 0; i < n; i++) if (!w.put(i, get(rows[i]))) return undefined;
  return w.finish(n);
}

/**
 * Float64, text, int64 and millisecond timestamp columns written straight into their buffers
 * (Arrow's generic builders cost several calls per value). `put` refuses (false) a value that
 * needs `coerce`: the caller then builds the column the generic way. Undefined for other types.
 */
interface ColumnWriter {
  put(i: number, v: unknown): boolean;
  /** The column of the first `n` values put. */
  finish(n: number): Data;
}

/**
 * Memory for the fixed-width columns of one batch (8 bytes a value each): one allocation instead
 * of one per column, which for small batches (a few MQTT messages) cost more than the values.
 */
class Arena {
  private offset = 0;
  private readonly buffer: ArrayBuffer;
  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }
  float64(n: number): Float64Array {
    const a = new Float64Array(this.buffer, this.offset, n);
    this.offset += 8 * n;
    return a;
  }
  bigint64(n: number): BigInt64Array {
    const a = new BigInt64Array(this.buffer, this.offset, n);
    this.offset += 8 * n;
    return a;
  }
}

function columnWriter(type: DataType, capacity: number, arena?: Arena): ColumnWriter | undefined {
  const kind = writerKind(type);
  if (kind === 'float64') return new Float64Writer(type as Float64, capacity, arena);
  if (kind === 'text') return new TextWriter(type as Utf8, capacity);
  if (kind === 'int64' || kind === 'millis') return new BigIntWriter(type as Int64, capacity, kind === 'int64', arena);
  return undefined;
}

function writerKind(type: DataType): 'float64' | 'text' | 'int64' | 'millis' | undefined {
  if (type.typeId === Type.Float && (type as Float64).precision === Precision.DOUBLE) return 'float64';
  if (type.typeId === Type.Utf8) return 'text';
  if (type.typeId === Type.Int && (type as Int64).bitWidth === 64 && (type as Int64).isSigned) return 'int64';
  if (type.typeId === Type.Timestamp && (type as TimestampMillisecond).unit === TimeUnit.MILLISECOND) return 'millis';
  return undefined;
}

/**
 * The validity bitmap of a column without nulls, shared (it has no bytes to change). Columns are
 * built as `Data` directly: `makeData` dispatches on the type and re-checks every buffer, which
 * for a batch of a few messages cost more than the values.
 */
const NO_NULLS = new Uint8Array(0);

/** The validity bitmap of a column being written: allocated at the first null. */
class Nulls {
  bits: Uint8Array | undefined;
  count = 0;
  constructor(private readonly capacity: number) {}
  set(i: number): void {
    this.bits ??= new Uint8Array((this.capacity + 7) >> 3).fill(0xff);
    this.bits[i >> 3] &= ~(1 << (i & 7));
    this.count++;
  }
  bitmap(n: number): Uint8Array | undefined {
    return this.bits?.subarray(0, (n + 7) >> 3);
  }
}

class Float64Writer implements ColumnWriter {
  private readonly values: Float64Array;
  private readonly nulls: Nulls;
  constructor(private readonly type: Float64, capacity: number, arena?: Arena) {
    this.values = arena ? arena.float64(capacity) : new Float64Array(capacity);
    this.nulls = new Nulls(capacity);
  }
  put(i: number, v: unknown): boolean {
    if (typeof v === 'number') this.values[i] = v;
    else if (v === null || v === undefined) this.nulls.set(i);
    else return false;
    return true;
  }
  finish(n: number): Data {
    return fixedWidthData(this.type, this.values, this.nulls, n);
  }
}

/** The first `n` values of a fixed-width column being written. */
function fixedWidthData(type: Float64 | Int64, values: Float64Array | BigInt64Array, nulls: Nulls, n: number): Data {
  const data = n === values.length ? values : values.subarray(0, n);
  return new Data(type, 0, n, nulls.count, [undefined, data, nulls.bitmap(n) ?? NO_NULLS]);
}

/** What coerce and Arrow's builder give for integral numbers (and, for int64, bigints); anything else is refused. */
class BigIntWriter implements ColumnWriter {
  private readonly values: BigInt64Array;
  private readonly nulls: Nulls;
  constructor(private readonly type: Int64, capacity: number, private readonly bigints: boolean, arena?: Arena) {
    this.values = arena ? arena.bigint64(capacity) : new BigInt64Array(capacity);
    this.nulls = new Nulls(capacity);
  }
  put(i: number, v: unknown): boolean {
    if (typeof v === 'number' && Number.isSafeInteger(v)) this.values[i] = BigInt(v);
    else if (typeof v === 'bigint' && this.bigints && BigInt.asIntN(64, v) === v) this.values[i] = v;
    else if (v === null || v === undefined) this.nulls.set(i);
    else return false;
    return true;
  }
  finish(n: number): Data {
    return fixedWidthData(this.type, this.values, this.nulls, n);
  }
}

class TextWriter implements ColumnWriter {
  private readonly texts: string[];
  private readonly nulls: Nulls;
  constructor(private readonly type: Utf8, capacity: number) {
    this.texts = new Array(capacity);
    this.nulls = new Nulls(capacity);
  }
  put(i: number, v: unknown): boolean {
    if (typeof v === 'string') this.texts[i] = v;
    else if (v === null || v === undefined) {
      this.texts[i] = '';
      this.nulls.set(i);
    } else return false;
    return true;
  }
  finish(n: number): Data {
    const texts = this.texts;
    if (texts.length !== n) texts.length = n;
    // One encode of all the text; offsets from the lengths when it is all ASCII (one byte each).
    const joined = texts.join('');
    const data = Buffer.from(joined, 'utf8');
    const offsets = new Int32Array(n + 1);
    const ascii = data.length === joined.length;
    let at = 0;
    for (let i = 0; i < n; i++) {
      at += ascii ? texts[i].length : Buffer.byteLength(texts[i], 'utf8');
      offsets[i + 1] = at;
    }
    const column = new Data(this.type, 0, n, this.nulls.count, [offsets, new Uint8Array(data.buffer, data.byteOffset, data.length), this.nulls.bitmap(n) ?? NO_NULLS]);
    // Only ASCII text: any other string may not survive UTF-8 (a lone surrogate reads back as U+FFFD),
    // and a reader must see the same values whether it takes the strings or decodes the bytes.
    if (ascii) builtTexts.set(column, texts);
    return column;
  }
}

const putters = new Map<string, (row: Row, i: number, writers: ColumnWriter[]) => boolean>();
/** The putter of each schema object seen: a decoder's schema is the same object batch after batch. */
const putterOf = new WeakMap<Schema, (row: Row, i: number, writers: ColumnWriter[]) => boolean>();

/**
 * A function putting a row's values into the writers of `schema`'s columns, compiled with the
 * names as constants (as `getter`): each property load and each writer call has a site of its own.
 */
function rowPutter(schema: Schema): (row: Row, i: number, writers: ColumnWriter[]) => boolean {
  const known = putterOf.get(schema);
  if (known) return known;
  const names = schema.fields.map((f) => f.name);
  const key = JSON.stringify(names);
  let put = putters.get(key);
  if (!put) {
    // Names go in as JSON string literals: no code can be injected through a column name.
    const body = names.map((name, j) => `writers[${j}].put(i, row[${JSON.stringify(name)}])`).join(' && ');
    put = new Function('row', 'i', 'writers', `return ${body || 'true'};`) as (row: Row, i: number, writers: ColumnWriter[]) => boolean;
    if (putters.size < 1000) putters.set(key, put);
  }
  putterOf.set(schema, put);
  return put;
}

/** Rows added one at a time into a record batch of `schema`, as rowsToBatch would build it. */
export interface BatchWriter {
  /** Adds a row; false (the row is not added, nor any after it) when it needs rowsToBatch's generic path. */
  add(row: Row): boolean;
  /** The batch of the rows added. */
  finish(): RecordBatch;
}

/**
 * A writer of up to `capacity` rows of `schema` straight into column buffers, reading each row
 * once (a decoder adds each message as it parses it); undefined when a column's type has no
 * fast writer. When `add` refuses a row, build the batch with rowsToBatch instead.
 */
export function batchWriter(schema: Schema, capacity: number): BatchWriter | undefined {
  const kinds = schema.fields.map((f) => writerKind(f.type as DataType));
  if (kinds.includes(undefined)) return undefined;
  const arena = new Arena(8 * capacity * kinds.filter((k) => k !== 'text').length);
  const writers = schema.fields.map((f) => columnWriter(f.type as DataType, capacity, arena)!);
  const put = rowPutter(schema);
  const struct = new Struct(schema.fields);
  let n = 0;
  return {
    add(row) {
      if (n >= capacity || !put(row, n, writers)) return false;
      n++;
      return true;
    },
    finish() {
      const children = writers.map((w) => w.finish(n));
      return new RecordBatch(schema, new Data(struct, 0, n, 0, [undefined, undefined, NO_NULLS], children));
    },
  };
}

/** Builds a batch from one vector per field of `schema`. */
export function batchFromVectors(schema: Schema, vectors: readonly Vector[], length: number): RecordBatch {
  const children = vectors.map(oneChunk);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

function oneChunk(v: Vector): Data {
  return v.data.length === 1 ? v.data[0] : vectorConcatData(v);
}

function vectorConcatData(v: Vector) {
  // A vector built from one array has one chunk; rebuild otherwise.
  return vectorFromArray([...v], v.type).data[0];
}

/** A plain JS value for a cell: bigint → number when safe, timestamps stay epoch milliseconds. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  return v;
}

/** The batch's rows as plain objects (the slow path: for row functions, sinks and tests). */
export function batchToRows(batch: RecordBatch): Row[] {
  const cols = batch.schema.fields.map((f, i) => [f.name, batch.getChildAt(i)!] as const);
  const rows: Row[] = new Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    const row: Row = {};
    for (const [name, col] of cols) row[name] = plainValue(col.get(r));
    rows[r] = row;
  }
  return rows;
}

/**
 * The column `name` as epoch milliseconds, one Float64 per row (NaN for null); do not modify it. Accepts
 * timestamps (any unit), dates, integers and floats (taken as milliseconds) and ISO-8601 text.
 */
export function timeColumnMs(batch: RecordBatch, name: string): Float64Array {
  // The engine reads a batch's event times for the watermark, then a window reads them again.
  let byName = timeCache.get(batch);
  const cached = byName?.get(name);
  if (cached) return cached;
  const out = readTimeColumn(batch, name);
  if (!byName) timeCache.set(batch, (byName = new Map()));
  byName.set(name, out);
  return out;
}

/** Event times already read, per batch (read-only arrays). */
const timeCache = new WeakMap<RecordBatch, Map<string, Float64Array>>();

function readTimeColumn(batch: RecordBatch, name: string): Float64Array {
  const i = batch.schema.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`event time column "${name}" is not in the stream (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
  const col = batch.getChildAt(i)!;
  const n = batch.numRows;
  const out = new Float64Array(n);
  const type = col.type as DataType;
  let scale = 1;
  if (type.typeId === Type.Timestamp) {
    const unit = (type as unknown as { unit: number }).unit; // 0 s, 1 ms, 2 us, 3 ns
    scale = [1000, 1, 1e-3, 1e-6][unit];
  }
  const fast = col.data.length === 1 && col.nullCount === 0 && (type.typeId === Type.Float || type.typeId === Type.Int || type.typeId === Type.Timestamp);
  if (fast) {
    const values = col.data[0].values as ArrayLike<number | bigint>;
    if (typeof values[0] === 'bigint') for (let r = 0; r < n; r++) out[r] = Number(values[r] as bigint) * scale;
    else for (let r = 0; r < n; r++) out[r] = (values[r] as number) * scale;
    return out;
  }
  for (let r = 0; r < n; r++) {
    const v = col.get(r);
    if (v === null || v === undefined) out[r] = NaN;
    else if (type.typeId === Type.Timestamp) out[r] = Number(v); // Arrow's get() gives milliseconds for any unit
    else out[r] = toEpochMs(v) ?? NaN;
  }
  return out;
}
