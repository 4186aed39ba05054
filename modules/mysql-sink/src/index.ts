import type { Connection } from 'mysql2';
import { checkConnection, CONNECTION_DEFAULTS, connect, createTableSql, disconnect, execute, mysqlError, qualifiedName, query, quoteIdent } from '@pypeline/mysql';
import { alreadyLoadedMessage, defineModule, LEDGER_TABLE, loadKeyOf, loadOnce, ModuleError, requireInput, type Artifact } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { ensureLedger, mysqlLedgerSession } from './load-ledger.js';
import { insertRows, loadDataRows, onDuplicateKey, type LoadTarget } from './load-rows.js';
import { mysqlSinkSchemas } from './output-schemas.js';
import { uniqueKeys, upsertKeyProblem } from './unique-keys.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, 'host' | 'port' | 'user' | 'mode' | 'key' | 'create_table' | 'method' | 'batch_size'>>;

export default defineModule<Config>({
  name: 'mysql_sink',
  type: 'sink',
  description: 'Loads its input into a MySQL/MariaDB table with LOAD DATA LOCAL or batched INSERT, all in one transaction; append, replace or upsert on a key',
  category: 'Database Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'table'],
  outputSchemas: mysqlSinkSchemas,
  check({ config, signal }) {
    const c: Resolved = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...config };
    const target = qualifiedName(c.table, c.database);
    return checkConnection(c, signal, async (connection) => {
      const exists = (await execute(connection, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [c.database, c.table])).rows.length > 0;
      if (!exists) {
        if (!c.create_table) throw new ModuleError(`table ${target} does not exist`, { retryable: false, hint: 'create it, check table and database, or set create_table: true' });
        return `table ${target} will be created`;
      }
      if (c.mode === 'upsert') {
        const problem = upsertKeyProblem(c.key, await uniqueKeys(connection, c.database, c.table), target);
        if (problem) throw new ModuleError(problem.message, { retryable: false, hint: problem.hint });
      }
      // Privileges: try the statements the load sends, in a transaction rolled back, so every grant path (role, database, table) counts.
      await query(connection, 'START TRANSACTION');
      try {
        await query(connection, `INSERT INTO ${target} SELECT * FROM ${target} WHERE FALSE`).catch((error: unknown) => {
          throw mysqlError(error, `this user may not INSERT into ${target}`);
        });
        if (c.mode === 'replace') {
          await query(connection, `DELETE FROM ${target} WHERE FALSE`).catch((error: unknown) => {
            throw mysqlError(error, `this user may not DELETE from ${target} (mode: replace)`);
          });
        }
      } finally {
        await query(connection, 'ROLLBACK').catch(() => {});
      }
      return `table ${target} exists; ${c.mode === 'replace' ? 'INSERT and DELETE' : 'INSERT'} allowed`;
    });
  },
  async run(inputs, ctx) {
    const config: Resolved = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'mysql_sink', 'connect a data edge to it, e.g. "source.data - load.input"');
    if (input.schema.fields.length === 0) {
      throw new ModuleError('mysql_sink received a table without columns', { retryable: false, hint: 'check the module that feeds it' });
    }
    const target = qualifiedName(config.table, config.database);
    const ledgerDatabase = config.ledger_database ?? config.database;
    const ledger = qualifiedName(LEDGER_TABLE, ledgerDatabase);
    const connection = await connect(config, ctx.signal);
    let outcome: Awaited<ReturnType<typeof loadOnce>>;
    try {
      // MySQL reads bad values as warnings outside strict mode; in strict mode INSERT refuses them.
      await query(connection, "SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'STRICT_ALL_TABLES')");
      await ensureLedger(connection, ledger, ledgerDatabase, LEDGER_TABLE);
      // WARNING: DDL commits at once in MySQL, so the table is created before the load's transaction (and stays, empty, if the load fails).
      if (config.create_table) await query(connection, createTableSql(target, input.schema, config.key));
      if (config.mode === 'upsert') await checkUpsertKey(connection, config, target, input);
      outcome = await loadOnce(mysqlLedgerSession(connection, ledger), loadKeyOf(ctx), target, async () => {
        if (config.mode === 'replace') await query(connection, `DELETE FROM ${target}`);
        return loadRows(connection, config, target, input, ctx.signal);
      });
    } catch (error) {
      if (error instanceof ModuleError || ctx.signal.aborted) throw error;
      throw mysqlError(error, `cannot load ${input.numRows} rows into ${target} (nothing was written)`);
    } finally {
      await disconnect(connection);
    }
    if (outcome.earlier) ctx.logger.info(alreadyLoadedMessage(ctx.runId, outcome.earlier), { table: target, rows: outcome.rows, ledger });
    else ctx.logger.info('loaded rows', { table: target, rows: outcome.rows, method: config.method, mode: config.mode });
    ctx.setGlobal('row_count', outcome.rows);
    ctx.setGlobal('table', target);
  },
});

async function checkUpsertKey(connection: Connection, config: Resolved, target: string, input: Artifact): Promise<void> {
  const missing = config.key.filter((k) => !input.schema.fields.some((f) => f.name === k));
  const problem = missing.length
    ? { message: `mode upsert: key column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not in the input`, hint: `the input's columns: ${input.schema.names.join(', ')}` }
    : upsertKeyProblem(config.key, await uniqueKeys(connection, config.database, config.table), target);
  if (problem) throw new ModuleError(problem.message, { retryable: false, hint: problem.hint });
}

/**
 * The rows, by method. An upsert through LOAD DATA goes through a temporary table with the
 * target's column types (temporary tables take no implicit commit), then one INSERT … SELECT …
 * ON DUPLICATE KEY UPDATE.
 */
async function loadRows(connection: Connection, config: Resolved, target: string, input: Artifact, signal: AbortSignal): Promise<number> {
  const fields = input.schema.fields;
  const upsertKey = config.mode === 'upsert' ? config.key : undefined;
  if (config.method === 'insert') return insertRows(connection, { table: target, fields, key: upsertKey }, input, config.batch_size, signal);
  if (!upsertKey) return loadDataRows(connection, { table: target, fields }, input, signal);
  const stage = quoteIdent(`pypeline_stage_${process.pid}`);
  const columns = fields.map((f) => quoteIdent(f.name)).join(', ');
  await query(connection, `CREATE TEMPORARY TABLE ${stage} ENGINE=InnoDB SELECT ${columns} FROM ${target} LIMIT 0`);
  try {
    const rows = await loadDataRows(connection, { table: stage, fields } satisfies LoadTarget, input, signal);
    await query(connection, `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${stage}${onDuplicateKey(fields, upsertKey)}`);
    return rows;
  } finally {
    await query(connection, `DROP TEMPORARY TABLE IF EXISTS ${stage}`).catch(() => {});
  }
}
