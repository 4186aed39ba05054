import { Field, RecordBatch, Schema, Struct, Table, makeBuilder, makeData, type Builder } from 'apache-arrow';
import { ModuleError } from '../errors.js';
import { MISFIT, arrowTypeOf, convert, inferKind, typeLabel, widenFor, type JsonKind, type JsonType } from './json-kinds.js';

/** One JSON object to become a row, and where it came from for messages. */
export interface JsonRecord {
  value: Record<string, unknown>;
  /** Where the record is, e.g. `line 3`, `element 2`, `page 4, record 7`. */
  at: string;
}

export interface JsonBatchOptions {
  /** Names the input in messages: a file path, `GET https://…`. */
  where: string;
  /** Records that fix the columns and their types (keys in order of first appearance); 0: all of them. */
  sampleRows: number;
  /** Column types that override inference, by key; a key named here is a column even where no record has it. */
  schema?: Record<string, JsonKind>;
  /** Rows per record batch; Infinity (the default): one batch of everything. */
  batchSize?: number;
  /** The fix, in the misfit hint, that lets every record decide the types. @default 'set sample_rows to 0 so the whole file is read before types are chosen' */
  readAllHint?: string;
}

/** What `jsonBatches` also reports: keys first seen after the sample, which have no column, and where. */
export type DroppedKeys = Map<string, string>;

interface Column {
  name: string;
  kind: JsonType;
  builder: Builder;
}

/**
 * Record batches from JSON records, typed as DuckDB's read_json types them: the first
 * `sampleRows` records (0: all) fix the columns and their kinds, unless `schema` sets a column's
 * kind; later records are appended as they stream by, `batchSize` rows per batch. Yields at least
 * one batch (an empty one when there are no records), so the schema is always seen.
 */
export async function* jsonBatches(records: AsyncIterable<JsonRecord>, options: JsonBatchOptions, dropped: DroppedKeys = new Map()): AsyncGenerator<RecordBatch> {
  const size = options.batchSize ?? Infinity;
  const sample: JsonRecord[] = [];
  let columns: Column[] | undefined;
  let rows = 0;
  let yielded = false;
  /** Appends one record; the batch when it is full. */
  const add = (cols: Column[], record: JsonRecord): RecordBatch | undefined => {
    append(options, cols, record, dropped);
    if (++rows < size) return undefined;
    rows = 0;
    yielded = true;
    return flush(cols, size);
  };
  for await (const record of records) {
    if (columns) {
      const full = add(columns, record);
      if (full) yield full;
      continue;
    }
    sample.push(record);
    if (sample.length !== options.sampleRows) continue;
    columns = startColumns(options, sample);
    for (const r of sample.splice(0)) {
      const full = add(columns, r);
      if (full) yield full;
    }
  }
  if (!columns) {
    columns = startColumns(options, sample);
    for (const r of sample) {
      const full = add(columns, r);
      if (full) yield full;
    }
  }
  if (rows > 0 || !yielded) yield flush(columns, rows);
}

/** All the records as one table (see `jsonBatches`). */
export async function readJsonTable(records: AsyncIterable<JsonRecord>, options: JsonBatchOptions, dropped: DroppedKeys = new Map()): Promise<Table> {
  const batches: RecordBatch[] = [];
  for await (const batch of jsonBatches(records, options, dropped)) batches.push(batch);
  return new Table(batches);
}

function startColumns(options: JsonBatchOptions, sample: JsonRecord[]): Column[] {
  const schema = options.schema ?? {};
  const names = new Set<string>();
  for (const r of sample) for (const k of Object.keys(r.value)) names.add(k);
  for (const k of Object.keys(schema)) names.add(k);
  return [...names].map((name) => {
    const kind = schema[name] ?? inferKind(sample.map((r) => r.value[name]));
    return { name, kind, builder: makeBuilder({ type: arrowTypeOf(kind), nullValues: [null] }) };
  });
}

function flush(columns: Column[], rows: number): RecordBatch {
  const fields = columns.map((c) => new Field(c.name, c.builder.type, true));
  const children = columns.map((c) => c.builder.flush());
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }));
}

function append(options: JsonBatchOptions, columns: Column[], record: JsonRecord, dropped: DroppedKeys): void {
  for (const c of columns) {
    const value = convert(c.kind, record.value[c.name]);
    if (value === MISFIT) throw misfit(options, record, c);
    c.builder.append(value);
  }
  if (Object.keys(record.value).length > columns.length || columns.some((c) => !(c.name in record.value))) {
    for (const k of Object.keys(record.value)) if (!columns.some((c) => c.name === k) && !dropped.has(k)) dropped.set(k, record.at);
  }
}

/** A value its column's kind cannot hold: where, why, and the `schema` entry that would hold it. */
function misfit(options: JsonBatchOptions, record: JsonRecord, c: Column): ModuleError {
  const raw = record.value[c.name];
  const origin = options.schema?.[c.name] ? 'the type set for the column in schema' : `the type chosen for the column from the first ${options.sampleRows} rows (sample_rows: ${options.sampleRows})`;
  const shown = typeof raw === 'bigint' ? raw.toString() : JSON.stringify(raw);
  return new ModuleError(`${options.where}: ${record.at}, key "${c.name}": value ${shown} is not ${typeLabel(c.kind)}, ${origin}`, {
    retryable: false,
    hint: `set its type in configs.optional.schema, e.g. schema: { ${JSON.stringify(c.name)}: ${widenFor(c.kind, raw)} }; or ${options.readAllHint ?? 'set sample_rows to 0 so the whole file is read before types are chosen'}`,
  });
}
