import { checkConnection, CONNECTION_DEFAULTS, connect, postgresError } from '@pypeline/postgres';
import { defineModule, ModuleError } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { postgresSchemas } from './output-schemas.js';
import { readQuery } from './read-query.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'postgres_source',
  type: 'source',
  description: 'Runs a parameterised PostgreSQL query and reads the rows into a table, a batch at a time',
  category: 'Database Sources',
  // The table can change between runs without the query changing.
  cacheable: false,
  outputPorts: ['data'],
  globals: ['row_count'],
  outputSchemas: postgresSchemas,
  check({ config, signal }) {
    const c = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...config };
    return checkConnection(c, signal, async (client) => {
      // Planned, not run: the tables and columns it names exist and the parameters fit.
      await client.query(`EXPLAIN ${c.query}`, c.params ?? []).catch((error: unknown) => {
        throw postgresError(error, `query does not plan${position(error, c.query)}`);
      });
      return 'the query plans';
    });
  },
  async run(_inputs, ctx) {
    const config = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...ctx.config };
    const client = await connect(config, ctx.signal);
    try {
      const table = await readQuery(client, config.query, config.params ?? [], config.batch_size, ctx.signal).catch((error: unknown) => {
        if (error instanceof ModuleError || ctx.signal.aborted) throw error;
        throw postgresError(error, `query failed${position(error, config.query)}`);
      });
      ctx.setGlobal('row_count', table.numRows);
      ctx.logger.info('read query', { database: config.database, rows: table.numRows, columns: table.numCols });
      return { data: table };
    } finally {
      await client.end().catch(() => {});
    }
  },
});

/** ` near "…"` with the query text around the character PostgreSQL points at. */
function position(error: unknown, query: string): string {
  const at = Number((error as { position?: string }).position);
  if (!Number.isInteger(at) || at < 1) return '';
  return ` near "${query.slice(Math.max(0, at - 1), at + 30).split('\n')[0]}"`;
}
