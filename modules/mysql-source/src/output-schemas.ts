import { CONNECTION_DEFAULTS, connect, disconnect, execute, mysqlError, query } from '@pypeline/mysql';
import { ModuleError, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { columnsOf } from './read-query.js';

/**
 * The columns the query returns, asked of the database without reading a row: the query runs as
 * `select * from (query) limit 0` with its params, inside a read-only transaction that is rolled
 * back, and its columns get the Arrow types the run gives them.
 */
export async function mysqlSchemas({ config, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const c = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...config };
  const connection = await connect(c, signal);
  try {
    await query(connection, 'START TRANSACTION READ ONLY');
    const describe = `SELECT * FROM (${c.query.trim().replace(/;+\s*$/, '')}\n) AS pype_describe LIMIT 0`;
    const { fields } = await execute(connection, describe, c.params ?? []).catch((error: unknown) => {
      if (error instanceof ModuleError || signal.aborted) throw error;
      throw mysqlError(error, 'the query cannot be described');
    });
    return { outputs: { data: columnsOf(fields).schema } };
  } finally {
    await query(connection, 'ROLLBACK').catch(() => {});
    await disconnect(connection);
  }
}
