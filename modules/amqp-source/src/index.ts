import type { Channel } from 'amqplib';
import { connectAmqp, moduleLog, safeUrl } from '@pypeline/brokers';
import { configIssuesError, defineModule, ModuleError } from '@pypeline/sdk';
import { DEFAULTS, type Config, type Resolved } from './config.js';
import { inferColumns, rowsTable } from './message-rows.js';
import { amqpSourceSchemas, configIssues, declaredColumns } from './output-schemas.js';
import { readQueue } from './read-queue.js';

export type { Config, MessageColumnType } from './config.js';

export default defineModule<Config>({
  name: 'amqp_source',
  type: 'source',
  description: 'Reads messages from a RabbitMQ (AMQP 0-9-1) queue, bounded by a count, a time window or the queue running empty; acknowledges them once their rows are stored for the next module (at least once)',
  category: 'Message Sources',
  // Every read takes other messages off the queue: a cached result would skip the read.
  cacheable: false,
  outputPorts: ['data'],
  globals: ['row_count', 'message_count', 'rejected_count'],
  outputSchemas: amqpSourceSchemas,
  async check({ config }) {
    const c: Resolved = { ...DEFAULTS, ...config };
    const connection = await connectAmqp({ url: c.url, connectTimeoutMs: c.connect_timeout * 1000 }, () => {}, 'pypeline-check');
    try {
      const { messageCount } = await checkQueue(await connection.createChannel(), c);
      return `queue "${c.queue}" on ${safeUrl(c.url)} holds ${messageCount} ready messages`;
    } finally {
      await connection.close().catch(() => {});
    }
  },
  async run(_inputs, ctx) {
    const config: Resolved = { ...DEFAULTS, ...ctx.config };
    const problems = configIssues(config);
    if (problems.length > 0) throw configIssuesError(`amqp_source (${ctx.moduleId})`, problems);
    const connection = await connectAmqp({ url: config.url, connectTimeoutMs: config.connect_timeout * 1000 }, moduleLog(ctx.logger), `pypeline-${ctx.moduleId}`);
    try {
      const channel = await connection.createChannel();
      await checkQueue(channel, config);
      const read = await readQueue(channel, config, ctx.signal, ctx.logger);
      ctx.signal.throwIfAborted();
      const table = rowsTable(read.rows, declaredColumns(config) ?? inferColumns(read.rows));
      // WARNING: acknowledge only once the rows are in the run's artifact store: before that a
      // failure (or a kill) leaves every message on the queue (at least once).
      const data = await ctx.artifacts.register(table);
      if (read.last) channel.ack(read.last, true);
      await channel.close(); // returns once the broker has the acknowledgements (they precede the close)
      ctx.setGlobal('row_count', table.numRows);
      ctx.setGlobal('message_count', read.messages);
      ctx.setGlobal('rejected_count', read.rejected);
      ctx.logger.info('read messages', { queue: config.queue, messages: read.messages, rows: table.numRows, rejected: read.rejected });
      return { data };
    } finally {
      // Closing a connection returns every message it did not acknowledge to the queue.
      await connection.close().catch(() => {});
    }
  },
});

async function checkQueue(channel: Channel, c: Resolved) {
  try {
    return await channel.checkQueue(c.queue);
  } catch (e) {
    throw new ModuleError(`queue "${c.queue}" does not exist on ${safeUrl(c.url)} (${(e as Error).message})`, { retryable: false, hint: 'check queue and the virtual host in url, or declare the queue (e.g. with amqp_sink and its queue option, or rabbitmqadmin declare queue)', cause: e });
  }
}
