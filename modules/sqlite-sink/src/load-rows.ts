import type { Data, Schema } from 'apache-arrow';
import type Database from 'better-sqlite3';
import { rowsPerStatement, valuesTuples, type Artifact } from '@pypeline/sdk';
import type { ResolvedConfig } from './config.js';
import { quoteIdent, valueBinder, type SqliteValue } from './sqlite-values.js';

/** SQLite's default cap on the parameters of one statement (SQLITE_MAX_VARIABLE_NUMBER). */
const MAX_PARAMS = 32_766;

/**
 * Inserts the input with prepared multi-row INSERT statements of up to batch_size rows (one
 * statement for full groups, one for the rest); with upsert, ON CONFLICT (key) DO UPDATE sets the
 * other columns. Runs inside the caller's transaction.
 */
export async function loadRows(db: Database.Database, config: ResolvedConfig, input: Artifact, signal: AbortSignal): Promise<number> {
  const schema: Schema = input.schema;
  const width = schema.fields.length;
  const perStatement = rowsPerStatement(config.batch_size, width, MAX_PARAMS);
  const bind = schema.fields.map(valueBinder);
  const sql = insertSql(config, schema);
  const full = db.prepare(sql(perStatement));
  let pending: SqliteValue[] = [];
  let rows = 0;
  for await (const batch of input.batches()) {
    signal.throwIfAborted();
    const columns = batch.data.children as Data[];
    for (let i = 0; i < batch.numRows; i++) {
      for (let c = 0; c < width; c++) pending.push(bind[c](columns[c], i));
      if (pending.length === perStatement * width) {
        full.run(pending);
        rows += perStatement;
        pending = [];
      }
    }
  }
  if (pending.length > 0) {
    db.prepare(sql(pending.length / width)).run(pending);
    rows += pending.length / width;
  }
  return rows;
}

function insertSql(config: ResolvedConfig, schema: Schema): (rows: number) => string {
  const names = schema.names as string[];
  let conflict = '';
  if (config.mode === 'upsert') {
    const others = names.filter((n) => !config.key.includes(n));
    const keys = config.key.map(quoteIdent).join(', ');
    conflict = others.length ? ` ON CONFLICT (${keys}) DO UPDATE SET ${others.map((n) => `${quoteIdent(n)} = excluded.${quoteIdent(n)}`).join(', ')}` : ` ON CONFLICT (${keys}) DO NOTHING`;
  }
  return (rows) => `INSERT INTO ${quoteIdent(config.table)} (${names.map(quoteIdent).join(', ')}) VALUES ${valuesTuples(rows, names.length, () => '?')}${conflict}`;
}
