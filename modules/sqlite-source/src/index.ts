import { resolve } from 'node:path';
import { checkReadable, defineModule, ModuleError, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config, type ResolvedConfig } from './config.js';
import { openDatabase } from './open-database.js';
import { readQuery } from './read-query.js';

export type { Config, SqliteColumnType, SqliteParam } from './config.js';

export default defineModule<Config>({
  name: 'sqlite_source',
  type: 'source',
  description: 'Runs a parameterised query on a SQLite database file and streams the rows as Arrow record batches, typed by the declared column types',
  category: 'Database Sources',
  // The database can change between runs without the query changing.
  cacheable: false,
  outputPorts: ['data'],
  globals: ['row_count'],
  outputSchemas: sqliteSchemas,
  async check({ config }) {
    const c = resolved(config);
    const found = await checkReadable(c.database, 'database');
    const db = await openDatabase(resolve(c.database));
    try {
      readQuery(db, { ...c, batch_size: 1 }, new AbortController().signal).close();
      return `${found}; the query runs`;
    } finally {
      db.close();
    }
  },
  async run(_inputs, ctx) {
    const config = resolved(ctx.config);
    throwProblems(configProblems(config));
    const path = resolve(config.database);
    const db = await openDatabase(path);
    let table;
    try {
      table = readQuery(db, config, ctx.signal);
      throwProblems(unknownColumns(config, table.schema.names as string[]));
    } catch (error) {
      table?.close();
      db.close();
      throw error;
    }
    const query = table;
    async function* batches() {
      try {
        for (const batch of query.batches) {
          yield batch;
          // better-sqlite3 reads synchronously: give the event loop a turn between batches.
          await new Promise((done) => setImmediate(done));
        }
      } finally {
        query.close();
        db.close();
      }
      ctx.setGlobal('row_count', query.rows);
      ctx.logger.info('read query', { database: path, rows: query.rows, columns: query.schema.fields.length });
    }
    return { data: { schema: query.schema, [Symbol.asyncIterator]: batches } };
  },
});

function resolved(config: Config): ResolvedConfig {
  return { ...DEFAULTS, ...config } as ResolvedConfig;
}

function configProblems(config: ResolvedConfig): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  if (!Number.isInteger(config.batch_size) || config.batch_size < 1) problems.push({ key: ['batch_size'], message: `batch_size must be a whole number of at least 1, got ${config.batch_size}`, hint: 'e.g. 10000' });
  if (config.query.trim() === '') problems.push({ key: ['query'], message: 'query is empty', hint: 'e.g. select * from orders' });
  return problems;
}

function unknownColumns(config: ResolvedConfig, names: string[]): ConfigIssue[] {
  const known = new Set(names);
  return Object.keys(config.columns)
    .filter((name) => !known.has(name))
    .map((name) => ({ key: ['columns', name], message: `columns names ${JSON.stringify(name)}, which the query does not return`, hint: `its columns: ${names.join(', ')}` }));
}

function throwProblems(problems: ConfigIssue[]): void {
  if (problems.length === 0) return;
  throw new ModuleError(`sqlite_source: ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: problems.map((p) => p.hint).filter(Boolean).join('; ') });
}

/** The schema the run will use: the query's declared column types, and the first rows for expressions. */
async function sqliteSchemas({ config: raw, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const config = resolved(raw);
  const problems = configProblems(config);
  if (problems.length > 0) return { problems };
  const db = await openDatabase(resolve(config.database));
  try {
    const table = readQuery(db, config, signal);
    table.close();
    return { outputs: { data: table.schema }, problems: unknownColumns(config, table.schema.names as string[]) };
  } finally {
    db.close();
  }
}
