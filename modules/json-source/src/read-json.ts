import { Table, makeBuilder, type Builder, type Vector } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';
import { KIND_LABELS, MISFIT, arrowTypeOf, convert, inferKind, type JsonKind } from './json-kinds.js';
import type { JsonRecord } from './read-records.js';

export interface ReadResult {
  table: Table;
  /** Keys first seen after the sample, which have no column. */
  dropped: Map<string, string>;
}

interface Column {
  name: string;
  kind: JsonKind;
  builder: Builder;
}

/**
 * Turns records into a table: the first `sampleRows` records (0: all) fix the columns (keys in
 * order of first appearance) and their kinds; later records are appended as they stream by.
 */
export async function readJson(path: string, records: AsyncIterable<JsonRecord>, sampleRows: number): Promise<ReadResult> {
  const sample: JsonRecord[] = [];
  let columns: Column[] | undefined;
  const dropped = new Map<string, string>();
  for await (const record of records) {
    if (columns) append(path, columns, record, dropped, sampleRows);
    else {
      sample.push(record);
      if (sample.length === sampleRows) columns = startColumns(path, sample, dropped, sampleRows);
    }
  }
  columns ??= startColumns(path, sample, dropped, sampleRows);
  const vectors: Record<string, Vector> = {};
  for (const c of columns) vectors[c.name] = c.builder.finish().toVector();
  return { table: new Table(vectors), dropped };
}

function startColumns(path: string, sample: JsonRecord[], dropped: Map<string, string>, sampleRows: number): Column[] {
  const names = new Set<string>();
  for (const r of sample) for (const k of Object.keys(r.value)) names.add(k);
  const columns = [...names].map((name) => {
    const kind = inferKind(sample.map((r) => r.value[name]));
    return { name, kind, builder: makeBuilder({ type: arrowTypeOf(kind), nullValues: [null] }) };
  });
  for (const r of sample) append(path, columns, r, dropped, sampleRows);
  sample.length = 0;
  return columns;
}

function append(path: string, columns: Column[], record: JsonRecord, dropped: Map<string, string>, sampleRows: number): void {
  for (const c of columns) {
    const value = convert(c.kind, record.value[c.name]);
    if (value === MISFIT) {
      throw new ModuleError(
        `${path}: ${record.at}, key "${c.name}": value ${JSON.stringify(record.value[c.name])} is not ${KIND_LABELS[c.kind]}, the type chosen for the column from the first ${sampleRows} rows`,
        { retryable: false, hint: 'set sample_rows to 0 so the whole file is read before types are chosen' },
      );
    }
    c.builder.append(value);
  }
  if (Object.keys(record.value).length > columns.length || columns.some((c) => !(c.name in record.value))) {
    for (const k of Object.keys(record.value)) if (!columns.some((c) => c.name === k) && !dropped.has(k)) dropped.set(k, record.at);
  }
}
