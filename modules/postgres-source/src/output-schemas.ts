import { CONNECTION_DEFAULTS, connect, postgresError } from '@pypeline/postgres';
import { ModuleError, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { readQuery } from './read-query.js';

/**
 * The columns the query returns, asked of the database without reading a row: the query runs as
 * `select * from (query) limit 0` inside a read-only transaction that is rolled back, and its
 * columns get the Arrow types readQuery gives them at run time.
 */
export async function postgresSchemas({ config, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const c = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...config };
  const client = await connect(c, signal);
  try {
    await client.query('begin read only');
    const describe = `select * from (${c.query.trim().replace(/;+\s*$/, '')}\n) as pype_describe limit 0`;
    const table = await readQuery(client, describe, c.params ?? [], 1, signal).catch((error: unknown) => {
      if (error instanceof ModuleError || signal.aborted) throw error;
      throw postgresError(error, 'the query cannot be described');
    });
    return { outputs: { data: table.schema } };
  } finally {
    await client.query('rollback').catch(() => {});
    await client.end().catch(() => {});
  }
}
