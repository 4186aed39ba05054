import type { Readable } from 'node:stream';
import { Field, RecordBatch, Schema, Struct, makeBuilder, makeData, type Data } from 'apache-arrow';
import type { Connection, FieldPacket } from 'mysql2';
import { readerFor, type ColumnReader } from '@pypeline/mysql';
import { ModuleError } from '@pypeline/sdk';

/** The columns of a result: its Arrow schema and how each value is read. */
export interface Columns {
  schema: Schema;
  readers: ColumnReader[];
}

/** A running query: its columns (known before the first row) and its rows as record batches. */
export interface QueryStream {
  columns: Columns;
  batches: AsyncGenerator<RecordBatch>;
}

/**
 * Runs the query as a prepared statement (params bound by the server) and reads its rows as a
 * stream: mysql2 pauses the socket while `batchSize` rows wait, so the client holds about one
 * batch of rows at a time however large the result. Resolves once the columns are known.
 */
export async function streamQuery(connection: Connection, query: string, params: unknown[], batchSize: number, signal: AbortSignal): Promise<QueryStream> {
  const rows = connection.execute(query, params as never).stream({ highWaterMark: batchSize }) as Readable;
  const fields = await new Promise<FieldPacket[] | undefined>((resolve, reject) => {
    rows.once('fields', (f: FieldPacket[]) => resolve(f));
    rows.once('error', reject);
    rows.once('end', () => resolve(undefined));
  });
  if (!fields) {
    rows.destroy();
    throw new ModuleError('the query returns no rows: it is not a SELECT (or SHOW, or a CALL of a procedure that selects)', { retryable: false, hint: 'give mysql_source a query that returns rows; to change data, use mysql_sink or a shell step' });
  }
  const columns = columnsOf(fields);
  async function* batches(): AsyncGenerator<RecordBatch> {
    let pending: unknown[][] = [];
    let sent = 0;
    try {
      for await (const row of rows) {
        signal.throwIfAborted();
        pending.push(row as unknown[]);
        if (pending.length >= batchSize) {
          yield toBatch(columns, pending);
          sent++;
          pending = [];
        }
      }
      // At least one batch, so an empty result still carries its columns.
      if (pending.length > 0 || sent === 0) yield toBatch(columns, pending);
    } finally {
      rows.destroy();
    }
  }
  return { columns, batches: batches() };
}

export function columnsOf(fields: FieldPacket[]): Columns {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) {
      throw new ModuleError(`the query returns two columns named "${f.name}"`, { retryable: false, hint: 'give every column its own name with AS, e.g. select a.id as order_id, b.id as customer_id' });
    }
    seen.add(f.name);
  }
  const readers = fields.map(readerFor);
  return { schema: new Schema(fields.map((f, i) => new Field(f.name, readers[i].type, true))), readers };
}

export function toBatch({ schema, readers }: Columns, rows: unknown[][]): RecordBatch {
  const children = readers.map((reader, c) => {
    const builder = makeBuilder({ type: reader.storage ?? reader.type, nullValues: [null, undefined] });
    for (const row of rows) {
      const value = row[c];
      builder.append(value === null ? null : reader.parse(value));
    }
    const data = builder.finish().flush() as Data;
    if (!reader.storage) return data;
    // The builder filled the storage type (Int64 microseconds); the column is the same buffers read as `type`.
    return makeData({ type: reader.type, length: data.length, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: data.values } as never) as Data;
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}
