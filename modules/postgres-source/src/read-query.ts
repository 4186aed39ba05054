import { Field, RecordBatch, Schema, Struct, Table, makeBuilder, makeData } from 'apache-arrow';
import Cursor from 'pg-cursor';
import type pg from 'pg';
import { TEXT_TYPES, readerFor, type ColumnReader } from '@pypeline/postgres';
import { ModuleError } from '@pypeline/sdk';

interface Columns {
  schema: Schema;
  readers: ColumnReader[];
}

/**
 * Runs the query through a server-side cursor and turns every `batchSize` rows into one record
 * batch, so the client never holds more than one batch of JS rows at a time.
 */
export async function readQuery(client: pg.Client, query: string, params: unknown[], batchSize: number, signal: AbortSignal): Promise<Table> {
  const cursor = client.query(new Cursor(query, params, { rowMode: 'array', types: TEXT_TYPES }));
  try {
    let columns: Columns | undefined;
    const batches: RecordBatch[] = [];
    for (;;) {
      signal.throwIfAborted();
      const { rows, fields } = await read(cursor, batchSize);
      columns ??= fields && columnsOf(fields);
      if (rows.length === 0) break;
      batches.push(toBatch(columns!, rows));
    }
    return columns ? new Table(columns.schema, batches) : new Table();
  } finally {
    await cursor.close().catch(() => {});
  }
}

function read(cursor: Cursor, n: number): Promise<{ rows: (string | null)[][]; fields?: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(n, (err, rows, result) => (err ? reject(err) : resolve({ rows, fields: result?.fields })));
  });
}

function columnsOf(fields: pg.FieldDef[]): Columns {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) {
      throw new ModuleError(`the query returns two columns named "${f.name}"`, { retryable: false, hint: 'give every column its own name with AS, e.g. select a.id as order_id, b.id as customer_id' });
    }
    seen.add(f.name);
  }
  const readers = fields.map((f) => readerFor(f.dataTypeID));
  return { schema: new Schema(fields.map((f, i) => new Field(f.name, readers[i].type, true))), readers };
}

function toBatch({ schema, readers }: Columns, rows: (string | null)[][]): RecordBatch {
  const children = readers.map((reader, c) => {
    const builder = makeBuilder({ type: reader.type, nullValues: [null] });
    for (const row of rows) {
      const text = row[c];
      builder.append(text === null ? null : reader.parse(text));
    }
    return builder.finish().flush();
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}
