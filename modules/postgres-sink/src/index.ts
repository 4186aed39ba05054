import { checkConnection, CONNECTION_DEFAULTS, connect, createTableSql, findTypeMismatch, postgresError, qualifiedName, quoteIdent, typeMismatchError } from '@pypeline/postgres';
import { alreadyLoadedMessage, defineModule, LEDGER_TABLE, loadKeyOf, loadOnce, ModuleError, requireInput } from '@pypeline/sdk';
import type pg from 'pg';
import { DEFAULTS, type Config } from './config.js';
import { ensureLedger, postgresLedgerSession } from './load-ledger.js';
import { loadRows } from './load-rows.js';
import { postgresSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'postgres_sink',
  type: 'sink',
  description: 'Loads its input into a PostgreSQL table with COPY or batched INSERT, all in one transaction',
  category: 'Database Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'table'],
  outputSchemas: postgresSinkSchemas,
  check({ config, signal }) {
    const c = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...config };
    const target = qualifiedName(c.table, c.schema);
    return checkConnection(c, signal, async (client) => {
      const { rows } = await client.query<{ oid: string | null; schema: string }>('SELECT to_regclass($1)::text AS oid, coalesce($2, current_schema()) AS schema', [target, c.schema ?? null]);
      const { oid, schema } = rows[0];
      if (oid === null) {
        if (!c.create_table) throw new ModuleError(`table ${target} does not exist`, { retryable: false, hint: 'create it, check table and schema, or set create_table: true' });
        const can = (await client.query<{ ok: boolean }>("SELECT has_schema_privilege($1, 'CREATE') AS ok", [schema])).rows[0].ok;
        if (!can) throw new ModuleError(`table ${target} does not exist, and this user may not create tables in schema ${schema}`, { retryable: false, hint: `GRANT CREATE ON SCHEMA ${quoteIdent(schema)} TO the flow's user, or create the table` });
        return `table ${target} will be created`;
      }
      const needs = c.mode === 'replace' ? ['INSERT', 'TRUNCATE'] : ['INSERT'];
      for (const privilege of needs) {
        const ok = (await client.query<{ ok: boolean }>('SELECT has_table_privilege($1, $2) AS ok', [target, privilege])).rows[0].ok;
        if (!ok) throw new ModuleError(`this user may not ${privilege} into ${target}`, { retryable: false, hint: `GRANT ${privilege} ON ${target} TO the flow's user` });
      }
      return `table ${target} exists; ${needs.join(' and ')} allowed`;
    });
  },
  async run(inputs, ctx) {
    const config = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'postgres_sink', 'connect a data edge to it, e.g. "source.data - load.input"');
    if (input.schema.fields.length === 0) {
      throw new ModuleError('postgres_sink received a table without columns', { retryable: false, hint: 'check the module that feeds it' });
    }
    const target = qualifiedName(config.table, config.schema);
    const ledger = qualifiedName(LEDGER_TABLE, config.ledger_schema ?? config.schema);
    if (config.mode === 'upsert') checkUpsertKey(config.key, input.schema.fields.map((f) => f.name));
    const client = await connect(config, ctx.signal);
    let outcome: Awaited<ReturnType<typeof loadOnce>>;
    try {
      await ensureLedger(client, ledger);
      // One transaction holds the load and its ledger row: DDL is transactional in PostgreSQL, so a
      // failure leaves the table as it was, and a commit is never without its record.
      outcome = await loadOnce(postgresLedgerSession(client, ledger), loadKeyOf(ctx), target, async () => {
        if (config.create_table) await createTarget(client, target, createTableSql(target, input.schema, config.key.length ? config.key : undefined));
        if (config.mode === 'replace') await client.query(`TRUNCATE ${target}`);
        return loadRows(client, { target, fields: input.schema.fields, key: config.mode === 'upsert' ? config.key : undefined }, input, config, ctx.signal);
      });
    } catch (error) {
      if (error instanceof ModuleError || ctx.signal.aborted) throw error;
      const doing = `cannot load ${input.numRows} rows into ${target} (nothing was written)`;
      // A value the table's column type refuses: name the column and both types, not only the value.
      const mismatch = await findTypeMismatch(client, target, input.schema, error).catch(() => null);
      throw mismatch ? typeMismatchError(mismatch, target, doing, error) : upsertError(error, config.key, target) ?? postgresError(error, doing);
    } finally {
      await client.end().catch(() => {});
    }
    const rows = outcome.rows;
    if (outcome.earlier) ctx.logger.info(alreadyLoadedMessage(ctx.runId, outcome.earlier), { table: target, rows, ledger });
    else ctx.logger.info('loaded rows', { table: target, rows, method: config.method, mode: config.mode });
    ctx.setGlobal('row_count', rows);
    ctx.setGlobal('table', target);
  },
});

function checkUpsertKey(key: string[], columns: string[]): void {
  if (key.length === 0) throw new ModuleError('mode upsert needs key: the columns a row is matched on', { retryable: false, hint: 'set key, e.g. key: [id]' });
  const missing = key.filter((k) => !columns.includes(k));
  if (missing.length) throw new ModuleError(`mode upsert: key column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not in the input`, { retryable: false, hint: `the input's columns: ${columns.join(', ')}` });
}

/** The upsert's own failures, in words: no unique index on the key, or a key the input repeats. */
function upsertError(error: unknown, key: string[], target: string): ModuleError | undefined {
  const code = (error as { code?: string }).code;
  if (code === '42P10') {
    return new ModuleError(`mode upsert on key (${key.join(', ')}): the table has no PRIMARY KEY or UNIQUE index on exactly these columns (nothing was written)`, {
      retryable: false,
      hint: `add one: CREATE UNIQUE INDEX ON ${target} (${key.map(quoteIdent).join(', ')}); or set key to the columns of an existing one`,
      cause: error,
    });
  }
  if (code === '21000') {
    return new ModuleError(`mode upsert on key (${key.join(', ')}): the input holds one key twice, and one statement cannot update a row twice (nothing was written): ${(error as Error).message}`, {
      retryable: false,
      hint: 'keep one row per key first, e.g. distinct_mod on the key columns, or aggregate_mod',
      cause: error,
    });
  }
  return undefined;
}

/**
 * Creates the target inside the load's transaction when it is missing. Concurrent loads into one
 * new table (a parallel ITERATE) would collide in the catalog (`duplicate key … pg_type`), so a
 * transaction-level advisory lock on the table's name serialises the loads that find it missing:
 * the second waits for the first to commit, then finds the table. Loads into an existing table
 * take no lock.
 */
async function createTarget(client: pg.Client, target: string, ddl: string): Promise<void> {
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [target]);
  if (rows[0]?.found) return;
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pypeline create ${target}`]);
  await client.query(ddl);
}
