import { checkConnection, CONNECTION_DEFAULTS, connect, createTableSql, findTypeMismatch, postgresError, qualifiedName, quoteIdent, typeMismatchError } from '@pypeline/postgres';
import { defineModule, LEDGER_TABLE, ModuleError, requireInput, type RecordedLoad } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { claimLoad, ensureLedger, recordLoad } from './load-ledger.js';
import { copyRows, insertRows } from './load-rows.js';
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
    const key = { runId: ctx.runId, nodeKey: ctx.nodeId };
    const columns = input.schema.fields.map((f) => quoteIdent(f.name)).join(', ');
    const client = await connect(config, ctx.signal);
    let rows = 0;
    let earlier: RecordedLoad | undefined;
    try {
      await ensureLedger(client, ledger);
      // One transaction holds the load and its ledger row: DDL is transactional in PostgreSQL, so a
      // failure leaves the table as it was, and a commit is never without its record.
      await client.query('BEGIN');
      earlier = await claimLoad(client, ledger, key, target);
      if (earlier) await client.query('ROLLBACK');
      else {
        if (config.create_table) await client.query(createTableSql(target, input.schema));
        if (config.mode === 'replace') await client.query(`TRUNCATE ${target}`);
        rows = config.method === 'copy'
          ? await copyRows(client, target, columns, input, ctx.signal)
          : await insertRows(client, target, columns, input, config.batch_size, ctx.signal);
        await recordLoad(client, ledger, key, rows);
        await client.query('COMMIT');
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (error instanceof ModuleError || ctx.signal.aborted) throw error;
      const doing = `cannot load ${input.numRows} rows into ${target} (nothing was written)`;
      // A value the table's column type refuses: name the column and both types, not only the value.
      const mismatch = await findTypeMismatch(client, target, input.schema, error).catch(() => null);
      throw mismatch ? typeMismatchError(mismatch, target, doing, error) : postgresError(error, doing);
    } finally {
      await client.end().catch(() => {});
    }
    if (earlier) {
      rows = earlier.rows;
      ctx.logger.info(`already loaded: the interrupted run ${ctx.runId} committed this load at ${earlier.committedAt}; not loading it again`, { table: target, rows, ledger });
    } else ctx.logger.info('loaded rows', { table: target, rows, method: config.method, mode: config.mode });
    ctx.setGlobal('row_count', rows);
    ctx.setGlobal('table', target);
  },
});
