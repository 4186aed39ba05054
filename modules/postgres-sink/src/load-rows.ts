import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { makeVector, type RecordBatch, type Schema } from 'apache-arrow';
import { textFormatter } from '@pypeline/postgres';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Artifact } from '@pypeline/sdk';

/** Postgres caps a statement at 65535 parameters. */
const MAX_PARAMS = 65_535;

/** Text cells of one batch, column formatters applied; null stays null. */
function* textRows(schema: Schema, batch: RecordBatch): Generator<(string | null)[]> {
  const format = schema.fields.map(textFormatter);
  const columns = schema.fields.map((_, c) => makeVector(batch.data.children[c]));
  for (let i = 0; i < batch.numRows; i++) yield columns.map((v, c) => format[c](v.get(i)));
}

/** Streams the input through COPY … FROM STDIN (CSV: every value quoted, null as an empty field). */
export async function copyRows(client: pg.Client, target: string, columns: string, input: Artifact, signal: AbortSignal): Promise<number> {
  let rows = 0;
  async function* csv(): AsyncGenerator<string> {
    for await (const batch of input.batches()) {
      signal.throwIfAborted();
      let text = '';
      for (const cells of textRows(input.schema, batch)) {
        text += `${cells.map((c) => (c === null ? '' : `"${c.replace(/"/g, '""')}"`)).join(',')}\n`;
      }
      rows += batch.numRows;
      if (text) yield text;
    }
  }
  const stream = client.query(copyFrom(`COPY ${target} (${columns}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from(csv()), stream);
  return rows;
}

/** Sends `INSERT … VALUES ($1, $2), (…)` statements of up to batchSize rows. */
export async function insertRows(client: pg.Client, target: string, columns: string, input: Artifact, batchSize: number, signal: AbortSignal): Promise<number> {
  const width = input.schema.fields.length;
  const perStatement = Math.max(1, Math.min(batchSize, Math.floor(MAX_PARAMS / width)));
  let pending: (string | null)[] = [];
  let rows = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const n = pending.length / width;
    const tuples = Array.from({ length: n }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
    await client.query(`INSERT INTO ${target} (${columns}) VALUES ${tuples.join(', ')}`, pending);
    rows += n;
    pending = [];
  };
  for await (const batch of input.batches()) {
    for (const cells of textRows(input.schema, batch)) {
      signal.throwIfAborted();
      pending.push(...cells);
      if (pending.length >= perStatement * width) await flush();
    }
  }
  await flush();
  return rows;
}
