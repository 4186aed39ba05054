import { Table, makeBuilder, type Builder, type Vector } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';
import { MISFIT, arrowTypeOf, convert, inferKind, typeLabel, widenFor, type JsonKind, type JsonType } from './json-kinds.js';
import type { JsonRecord } from './read-records.js';

export interface ReadResult {
  table: Table;
  /** Keys first seen after the sample, which have no column. */
  dropped: Map<string, string>;
}

interface Column {
  name: string;
  kind: JsonType;
  builder: Builder;
}

/**
 * Turns records into a table: the first `sampleRows` records (0: all) fix the columns (keys in
 * order of first appearance) and their kinds, unless `schema` sets a column's kind; later records
 * are appended as they stream by.
 */
export async function readJson(path: string, records: AsyncIterable<JsonRecord>, sampleRows: number, schema: Record<string, JsonKind> = {}): Promise<ReadResult> {
  const ctx: Settings = { path, sampleRows, schema };
  const sample: JsonRecord[] = [];
  let columns: Column[] | undefined;
  const dropped = new Map<string, string>();
  for await (const record of records) {
    if (columns) append(ctx, columns, record, dropped);
    else {
      sample.push(record);
      if (sample.length === sampleRows) columns = startColumns(ctx, sample, dropped);
    }
  }
  columns ??= startColumns(ctx, sample, dropped);
  const vectors: Record<string, Vector> = {};
  for (const c of columns) vectors[c.name] = c.builder.finish().toVector();
  return { table: new Table(vectors), dropped };
}

interface Settings {
  path: string;
  sampleRows: number;
  schema: Record<string, JsonKind>;
}

function startColumns(ctx: Settings, sample: JsonRecord[], dropped: Map<string, string>): Column[] {
  const names = new Set<string>();
  for (const r of sample) for (const k of Object.keys(r.value)) names.add(k);
  // A key declared in schema is a column even where the sample lacks it.
  for (const k of Object.keys(ctx.schema)) names.add(k);
  const columns = [...names].map((name) => {
    const kind = ctx.schema[name] ?? inferKind(sample.map((r) => r.value[name]));
    return { name, kind, builder: makeBuilder({ type: arrowTypeOf(kind), nullValues: [null] }) };
  });
  for (const r of sample) append(ctx, columns, r, dropped);
  sample.length = 0;
  return columns;
}

function append(ctx: Settings, columns: Column[], record: JsonRecord, dropped: Map<string, string>): void {
  for (const c of columns) {
    const value = convert(c.kind, record.value[c.name]);
    if (value === MISFIT) throw misfit(ctx, record, c);
    c.builder.append(value);
  }
  if (Object.keys(record.value).length > columns.length || columns.some((c) => !(c.name in record.value))) {
    for (const k of Object.keys(record.value)) if (!columns.some((c) => c.name === k) && !dropped.has(k)) dropped.set(k, record.at);
  }
}

/** A value its column's kind cannot hold: where, why, and the `schema` entry that would hold it. */
function misfit(ctx: Settings, record: JsonRecord, c: Column): ModuleError {
  const raw = record.value[c.name];
  const origin = ctx.schema[c.name] ? 'the type set for the column in schema' : `the type chosen for the column from the first ${ctx.sampleRows} rows (sample_rows: ${ctx.sampleRows})`;
  const shown = typeof raw === 'bigint' ? raw.toString() : JSON.stringify(raw);
  return new ModuleError(`${ctx.path}: ${record.at}, key "${c.name}": value ${shown} is not ${typeLabel(c.kind)}, ${origin}`, {
    retryable: false,
    hint: `set its type in configs.optional.schema, e.g. schema: { ${JSON.stringify(c.name)}: ${widenFor(c.kind, raw)} }; or set sample_rows to 0 so the whole file is read before types are chosen`,
  });
}
