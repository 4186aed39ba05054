import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { alreadyLoadedMessage, checkWritable, defineModule, loadKeyOf, loadOnce, ModuleError, requireInput, type ConfigIssue } from '@pypeline/sdk';
import { DEFAULTS, type Config, type ResolvedConfig } from './config.js';
import { sqliteLedger } from './load-ledger.js';
import { loadRows } from './load-rows.js';
import { configProblems, createTableSql, tableColumns, tableProblems } from './table-plan.js';
import { quoteIdent } from './sqlite-values.js';
import { sqliteSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'sqlite_sink',
  type: 'sink',
  description: 'Loads its input into a SQLite table (create, append, replace or upsert on a key) in one transaction with prepared multi-row INSERTs',
  category: 'Database Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'table'],
  outputSchemas: sqliteSinkSchemas,
  async check({ config }) {
    const c = resolved(config);
    const found = await checkWritable(c.database, 'database');
    const problems = configProblems(c);
    if (problems.length) throwProblems(problems);
    return found;
  },
  async run(inputs, ctx) {
    const config = resolved(ctx.config);
    const input = requireInput(inputs, 'input', 'sqlite_sink', 'connect a data edge to it, e.g. "source.data - load.input"');
    throwProblems(configProblems(config, input.schema));
    const path = resolve(config.database);
    const db = openForWrite(path);
    let loaded;
    try {
      // The table is checked after the ledger's claim: a resumed `create` finds its own table made.
      loaded = await loadOnce(sqliteLedger(db), loadKeyOf(ctx), config.table, async () => {
        throwProblems(tableProblems(db, config, input.schema));
        const exists = tableColumns(db, config.table) !== undefined;
        if (config.mode === 'replace' && exists) db.exec(`DROP TABLE ${quoteIdent(config.table)}`);
        if (!exists || config.mode === 'replace') db.exec(createTableSql(config.table, input.schema, config.key));
        return loadRows(db, config, input, ctx.signal);
      });
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      if (error instanceof ModuleError || ctx.signal.aborted) throw error;
      throw loadError(error, `cannot load into table ${config.table} of ${path} (nothing was written)`);
    } finally {
      db.close();
    }
    const { rows, earlier } = loaded;
    if (earlier) ctx.logger.info(alreadyLoadedMessage(ctx.runId, earlier), { database: path, table: config.table, rows });
    else ctx.logger.info('loaded rows', { database: path, table: config.table, rows, mode: config.mode });
    ctx.setGlobal('row_count', rows);
    ctx.setGlobal('table', config.table);
  },
});

function resolved(config: Config): ResolvedConfig {
  return { ...DEFAULTS, ...config } as ResolvedConfig;
}

function openForWrite(path: string): Database.Database {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // Another writer holding the lock: wait for it a while rather than fail at once.
    db.pragma('busy_timeout = 10000');
    return db;
  } catch (error) {
    throw loadError(error, `cannot open SQLite database ${path}`);
  }
}

function throwProblems(problems: ConfigIssue[]): void {
  if (problems.length === 0) return;
  throw new ModuleError(`sqlite_sink: ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: problems.map((p) => p.hint).filter(Boolean).join('; ') });
}

function loadError(error: unknown, doing: string): ModuleError {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code ?? '';
  const busy = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
  const hint = busy
    ? 'another process holds a write lock on the database for more than 10 s; retry when it is done'
    : code.startsWith('SQLITE_CONSTRAINT')
      ? 'a row breaks a constraint of the table (a duplicate key, a NOT NULL column left empty): use mode upsert with key, or fix the rows'
      : code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY'
        ? 'check that database names a file in a writable folder'
        : 'check the table and the input columns';
  return new ModuleError(`${doing}: ${reason}`, { retryable: busy, hint, cause: error });
}
