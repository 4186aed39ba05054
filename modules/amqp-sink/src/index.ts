import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { brokerSink, connectAmqp, type Messages, PUBLISH_DEFAULTS, safeUrl } from '@pypeline/brokers';
import { defineModule, ModuleError, type ModuleContext } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { amqpSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS | keyof typeof PUBLISH_DEFAULTS>>;

export default defineModule<Config>(brokerSink<Config, Resolved, Client>({
  name: 'amqp_sink',
  description: 'Publishes each row to RabbitMQ (AMQP 0-9-1) as JSON (or one column as payload) with publisher confirms and persistent messages; routing key templated from row values',
  defaults: DEFAULTS,
  schemas: amqpSinkSchemas,
  target: (c) => ({ key: 'routing_key', value: c.routing_key ?? c.queue! }),
  async open(c, log, ctx, purpose) {
    const connection = await connectAmqp({ url: c.url, connectTimeoutMs: c.connect_timeout * 1000 }, log, `pypeline-${ctx.moduleId}`);
    try {
      const channel = await connection.createConfirmChannel();
      if (purpose === 'run') await declare(channel, c);
      else if (c.exchange && c.exchange_type === undefined) await channel.checkExchange(c.exchange).catch((e: Error) => { throw missingExchange(c, e); });
      return { connection, channel };
    } catch (e) {
      await connection.close().catch(() => {});
      throw e;
    }
  },
  publish: ({ channel }, messages, _rows, first, c, ctx) => publishConfirmed(channel, c, messages, first, ctx),
  close: ({ connection }) => connection.close().catch(() => {}),
  check: async (c) => `the AMQP broker at ${safeUrl(c.url)} accepts the connection${c.exchange ? `; exchange "${c.exchange}" ${c.exchange_type ? 'will be declared if missing' : 'exists'}` : ''}`,
  logFields: (c) => ({ broker: safeUrl(c.url), exchange: c.exchange, routing_key: c.routing_key ?? c.queue }),
}));

interface Client {
  connection: ChannelModel;
  channel: ConfirmChannel;
}

/** The exchange (when exchange_type is set) and the queue (with its binding), declared durable; an existing one must match. */
async function declare(channel: ConfirmChannel, c: Resolved): Promise<void> {
  try {
    if (c.exchange && c.exchange_type) await channel.assertExchange(c.exchange, c.exchange_type, { durable: true });
    else if (c.exchange) await channel.checkExchange(c.exchange).catch((e: Error) => { throw missingExchange(c, e); });
    if (c.queue !== undefined) {
      await channel.assertQueue(c.queue, { durable: true });
      if (c.exchange) await channel.bindQueue(c.queue, c.exchange, c.binding_key ?? c.routing_key ?? c.queue);
    }
  } catch (e) {
    if (e instanceof ModuleError) throw e;
    throw new ModuleError(`cannot declare ${c.queue !== undefined ? `queue "${c.queue}"` : `exchange "${c.exchange}"`}: ${(e as Error).message}`, {
      retryable: false,
      hint: /PRECONDITION.FAILED/.test((e as Error).message) ? 'it exists with other settings (durable, type, arguments): use it as it is (leave exchange_type out), or choose another name' : 'check that the user may configure it on this virtual host',
      cause: e,
    });
  }
}

function missingExchange(c: Resolved, e: Error): ModuleError {
  return new ModuleError(`exchange "${c.exchange}" does not exist on ${safeUrl(c.url)} (${e.message})`, { retryable: false, hint: 'create it, set exchange_type to declare it, or check exchange and the virtual host in url', cause: e });
}

/**
 * Publishes one group and waits for the broker's confirms (a nack fails the group). With
 * fail_unroutable the messages are mandatory: the broker returns one it cannot route before
 * confirming it, and the group fails naming its routing key.
 */
async function publishConfirmed(channel: ConfirmChannel, c: Resolved, { targets, payloads }: Messages, first: number, ctx: ModuleContext<Config>): Promise<void> {
  const returned: Message[] = [];
  const onReturn = (m: Message) => returned.push(m);
  channel.on('return', onReturn);
  try {
    const contentType = c.payload_column === undefined ? 'application/json' : undefined;
    for (let i = 0; i < payloads.length; i++) {
      const options = { persistent: c.persistent, mandatory: c.fail_unroutable, contentType, messageId: `${ctx.runId}:${ctx.nodeId}:${first + i}`, appId: 'pypeline' };
      // false: the socket's buffer is full; wait for it to drain before writing more.
      if (!channel.publish(c.exchange, targets[i], payloads[i], options)) await new Promise((resolve) => channel.once('drain', resolve));
    }
    await channel.waitForConfirms().catch((e: Error) => {
      throw new ModuleError(`the broker did not confirm ${payloads.length} messages (${e.message})`, { cause: e });
    });
  } finally {
    channel.off('return', onReturn);
  }
  if (returned.length > 0) {
    const keys = [...new Set(returned.map((m) => m.fields.routingKey))];
    throw new ModuleError(`the broker could not route ${returned.length} of ${payloads.length} messages: no queue is bound to exchange "${c.exchange}" with routing key ${keys.slice(0, 5).map((k) => `"${k}"`).join(', ')}`, {
      retryable: false,
      hint: 'bind a queue for these keys (or set queue to declare one), or set fail_unroutable: false to let the broker drop them',
    });
  }
}
