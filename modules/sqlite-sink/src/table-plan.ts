import type { Schema } from 'apache-arrow';
import type Database from 'better-sqlite3';
import { LEDGER_TABLE, type ConfigIssue } from '@pypeline/sdk';
import type { ResolvedConfig } from './config.js';
import { declaredType, isNestedType, quoteIdent } from './sqlite-values.js';

/** Every problem of the options and, when known, of the input columns, at once. */
export function configProblems(config: ResolvedConfig, schema?: Schema): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  if (config.table.trim() === '') problems.push({ key: ['table'], message: 'table is empty', hint: 'name the table to load into' });
  if (config.table === LEDGER_TABLE) problems.push({ key: ['table'], message: `${LEDGER_TABLE} is the ledger where loads record themselves`, hint: 'load into another table' });
  if (config.mode === 'upsert' && config.key.length === 0) problems.push({ key: ['key'], message: 'mode upsert needs key: the columns that identify a row', hint: 'e.g. key: [id]' });
  if (config.mode !== 'upsert' && config.key.length > 0 && config.mode !== 'create' && config.mode !== 'replace') problems.push({ key: ['key'], message: `key is used by mode upsert (and by create and replace, as the new table's primary key), not by ${config.mode}`, hint: 'remove key, or set mode: upsert' });
  if (!Number.isInteger(config.batch_size) || config.batch_size < 1) problems.push({ key: ['batch_size'], message: `batch_size must be a whole number of at least 1, got ${config.batch_size}`, hint: 'e.g. 500' });
  if (!schema) return problems;
  const names = new Set(schema.names as string[]);
  for (const k of config.key) if (!names.has(k)) problems.push({ key: ['key'], message: `key names ${JSON.stringify(k)}, which is not an input column`, hint: `its input columns: ${[...names].join(', ')}` });
  const nested = schema.fields.filter((f) => isNestedType(f.type));
  if (nested.length > 0) problems.push({ key: ['table'], message: `sqlite_sink cannot write nested columns: ${nested.map((f) => `${f.name} (${String(f.type)})`).join(', ')}`, hint: 'write them with json_sink or parquet_sink, or leave them out with select_mod first' });
  if (schema.fields.length === 0) problems.push({ key: ['table'], message: 'its input has no columns', hint: 'check the module that feeds it' });
  return problems;
}

/** The table's columns, or undefined when it does not exist. */
export function tableColumns(db: Database.Database, table: string): string[] | undefined {
  const rows = db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table);
  return rows.length ? rows.map((r) => r.name) : undefined;
}

/** Whether the table has a PRIMARY KEY or UNIQUE index on exactly `key` (what ON CONFLICT needs). */
export function hasUniqueKey(db: Database.Database, table: string, key: string[]): boolean {
  const wanted = [...key].sort().join('\u0000');
  const indexes = db.prepare<[string], { name: string; unique: number }>('SELECT name, "unique" FROM pragma_index_list(?)').all(table);
  for (const index of indexes) {
    if (!index.unique) continue;
    const cols = db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_info(?)').all(index.name).map((c) => c.name);
    if (cols.sort().join('\u0000') === wanted) return true;
  }
  // A single INTEGER PRIMARY KEY is the rowid and has no index of its own.
  const pk = db.prepare<[string], { name: string; pk: number }>('SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0').all(table);
  return pk.length > 0 && pk.map((c) => c.name).sort().join('\u0000') === wanted;
}

/** What the load finds wrong with an existing table: input columns it lacks, an upsert key without a unique index. */
export function tableProblems(db: Database.Database, config: ResolvedConfig, schema: Schema): ConfigIssue[] {
  const columns = tableColumns(db, config.table);
  if (!columns) return [];
  if (config.mode === 'create') return [{ key: ['table'], message: `table ${config.table} already exists, and mode create makes a new one`, hint: 'set mode: append, replace or upsert, or choose another table name' }];
  if (config.mode === 'replace') return [];
  const problems: ConfigIssue[] = [];
  const have = new Set(columns);
  for (const name of schema.names as string[]) {
    if (!have.has(name)) problems.push({ key: ['table'], message: `input column ${JSON.stringify(name)} is not a column of ${config.table}`, hint: `its columns: ${columns.join(', ')}; rename or drop the column with select_mod first, or set mode: replace` });
  }
  if (config.mode === 'upsert' && config.key.length > 0 && !hasUniqueKey(db, config.table, config.key)) {
    problems.push({
      key: ['key'],
      message: `table ${config.table} has no PRIMARY KEY or UNIQUE index on (${config.key.join(', ')}), which upsert needs to find the rows to update`,
      hint: `CREATE UNIQUE INDEX ON it first: CREATE UNIQUE INDEX ${quoteIdent(`${config.table}_key`)} ON ${quoteIdent(config.table)} (${config.key.map(quoteIdent).join(', ')})`,
    });
  }
  return problems;
}

/** CREATE TABLE from the input's columns, with the key as PRIMARY KEY when there is one. */
export function createTableSql(table: string, schema: Schema, key: string[]): string {
  const columns = schema.fields.map((f) => `${quoteIdent(f.name)} ${declaredType(f)}`);
  if (key.length > 0) columns.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${quoteIdent(table)} (${columns.join(', ')})`;
}
