import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { makeVector, type Field, type RecordBatch, type Schema } from 'apache-arrow';
import { quoteIdent, textFormatter } from '@pypeline/postgres';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { rowsPerStatement, valuesTuples, type Artifact } from '@pypeline/sdk';

/** Postgres caps a statement at 65535 parameters. */
const MAX_PARAMS = 65_535;

/** Where the rows go: the (quoted) table, the input columns, and for upsert the key columns. */
export interface LoadTarget {
  target: string;
  fields: Field[];
  /** Set for upsert: rows whose key is in the table update it. */
  key?: string[];
}

/**
 * Loads the input by `method`. An upsert by COPY goes through a temporary table with the
 * target's column types (dropped at commit), then one INSERT … SELECT … ON CONFLICT DO UPDATE.
 */
export async function loadRows(client: pg.Client, to: LoadTarget, input: Artifact, config: { method: 'copy' | 'insert'; batch_size: number }, signal: AbortSignal): Promise<number> {
  const columns = to.fields.map((f) => quoteIdent(f.name)).join(', ');
  if (config.method === 'insert') return insertRows(client, to, columns, input, config.batch_size, signal);
  if (!to.key) return copyRows(client, to.target, columns, input, signal);
  const stage = quoteIdent(`pypeline_stage_${process.pid}`);
  await client.query(`CREATE TEMP TABLE ${stage} ON COMMIT DROP AS SELECT ${columns} FROM ${to.target} WITH NO DATA`);
  const rows = await copyRows(client, stage, columns, input, signal);
  await client.query(`INSERT INTO ${to.target} (${columns}) SELECT ${columns} FROM ${stage}${onConflict(to.fields, to.key)}`);
  await client.query(`DROP TABLE ${stage}`);
  return rows;
}

/** `ON CONFLICT (key) DO UPDATE` for the non-key columns (DO NOTHING when every column is a key). */
export function onConflict(fields: Field[], key: string[]): string {
  const rest = fields.map((f) => f.name).filter((n) => !key.includes(n));
  const action = rest.length ? `DO UPDATE SET ${rest.map((n) => `${quoteIdent(n)} = EXCLUDED.${quoteIdent(n)}`).join(', ')}` : 'DO NOTHING';
  return ` ON CONFLICT (${key.map(quoteIdent).join(', ')}) ${action}`;
}

/** Text cells of one batch, column formatters applied; null stays null. */
function* textRows(schema: Schema, batch: RecordBatch): Generator<(string | null)[]> {
  const format = schema.fields.map(textFormatter);
  const columns = schema.fields.map((_, c) => makeVector(batch.data.children[c]));
  for (let i = 0; i < batch.numRows; i++) yield columns.map((v, c) => format[c](v.get(i)));
}

/** Streams the input through COPY … FROM STDIN (CSV: every value quoted, null as an empty field). */
async function copyRows(client: pg.Client, target: string, columns: string, input: Artifact, signal: AbortSignal): Promise<number> {
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

/** Sends `INSERT … VALUES ($1, $2), (…)` statements of up to batchSize rows (with ON CONFLICT for an upsert). */
async function insertRows(client: pg.Client, to: LoadTarget, columns: string, input: Artifact, batchSize: number, signal: AbortSignal): Promise<number> {
  const width = to.fields.length;
  const perStatement = rowsPerStatement(batchSize, width, MAX_PARAMS);
  const tail = to.key ? onConflict(to.fields, to.key) : '';
  let pending: (string | null)[] = [];
  let rows = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const n = pending.length / width;
    await client.query(`INSERT INTO ${to.target} (${columns}) VALUES ${valuesTuples(n, width, (k) => `$${k + 1}`)}${tail}`, pending);
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
