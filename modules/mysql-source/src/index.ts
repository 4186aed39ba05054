import type { RecordBatch } from 'apache-arrow';
import { checkConnection, CONNECTION_DEFAULTS, connect, disconnect, execute, mysqlError } from '@pypeline/mysql';
import { defineModule, ModuleError } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { mysqlSchemas } from './output-schemas.js';
import { streamQuery } from './read-query.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'mysql_source',
  type: 'source',
  description: 'Runs a parameterised MySQL/MariaDB query and streams the rows into Arrow record batches',
  category: 'Database Sources',
  // The table can change between runs without the query changing.
  cacheable: false,
  outputPorts: ['data'],
  globals: ['row_count'],
  outputSchemas: mysqlSchemas,
  check({ config, signal }) {
    const c = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...config };
    return checkConnection(c, signal, async (connection) => {
      // Planned, not run: the tables and columns it names exist and the parameters fit.
      await execute(connection, `EXPLAIN ${c.query}`, c.params ?? []).catch((error: unknown) => {
        throw mysqlError(error, 'query does not plan');
      });
      return 'the query plans';
    });
  },
  async run(_inputs, ctx) {
    const config = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...ctx.config };
    const connection = await connect(config, ctx.signal);
    const failed = (error: unknown) => (error instanceof ModuleError || ctx.signal.aborted ? error : mysqlError(error, 'query failed'));
    let stream;
    try {
      stream = await streamQuery(connection, config.query, config.params ?? [], config.batch_size, ctx.signal);
    } catch (error) {
      await disconnect(connection);
      throw failed(error);
    }
    const { columns, batches } = stream;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await batches.return(undefined).catch(() => {});
      await disconnect(connection);
    };
    async function* read(): AsyncGenerator<RecordBatch> {
      let rows = 0;
      try {
        for await (const batch of batches) {
          rows += batch.numRows;
          yield batch;
        }
      } catch (error) {
        throw failed(error);
      } finally {
        await close();
      }
      ctx.setGlobal('row_count', rows);
      ctx.logger.info('read query', { database: config.database, rows, columns: columns.schema.fields.length });
    }
    const data = read();
    // WARNING: a generator closed before its first step skips its finally; close the connection then too.
    const end = data.return.bind(data);
    data.return = async (value) => {
      await close();
      return end(value);
    };
    return { data: Object.assign(data, { schema: columns.schema }) };
  },
});
