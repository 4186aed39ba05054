import { batchToRows, type SourceBatch, type SourceContext, type StreamSink, type StreamSource } from '@pypeline/stream';
import { connectAmqp, safeUrl, topicTemplate, type AmqpChannel as Channel, type AmqpConfirmChannel as ConfirmChannel, type AmqpConnectOptions, type AmqpConnection as ChannelModel, type AmqpMessage as ConsumeMessage } from '@pypeline/brokers';
import { Decoder, encodeRows, type DecodeOptions } from './formats.js';
import { withColumn } from './meta-column.js';

export type { AmqpConnectOptions } from '@pypeline/brokers';

export interface AmqpSourceOptions extends AmqpConnectOptions, DecodeOptions {
  /** The queue to consume (it must exist). */
  queue: string;
  /**
   * Messages the broker sends ahead without acknowledgement. They are acknowledged at each
   * checkpoint, so reading pauses when this many wait for one: keep it above the rows that
   * arrive between checkpoints. @default 10000
   */
  prefetch?: number;
  /** Adds each message's routing key as this column. */
  routingKeyColumn?: string;
  /** Rows per batch at most. @default 1000 */
  batchSize?: number;
}

/**
 * Consumes a RabbitMQ queue at least once: a message is acknowledged only once a checkpoint
 * that covers it is durable (`committed`). What a crash leaves unacknowledged the broker
 * delivers again after a restart, so positions need not be restored: they only number batches.
 */
export function amqpSource(options: AmqpSourceOptions): StreamSource {
  const where = `${safeUrl(options.url)} ${options.queue}`;
  const batchSize = options.batchSize ?? 1000;
  let ctx: SourceContext;
  let connection: ChannelModel | undefined;
  let channel: Channel | undefined;
  let decoder: Decoder;
  const buffered: ConsumeMessage[] = [];
  // The last message of each batch handed out, by position, until a checkpoint covers it.
  const lastOf = new Map<number, ConsumeMessage>();
  let seq = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  return {
    kind: 'amqp',
    describe: () => where,
    async open(c) {
      ctx = c;
      seq = typeof c.position === 'number' ? c.position : 0;
      decoder = new Decoder(`amqp source "${c.id}" (${where})`, withColumn(options, options.routingKeyColumn), c.log);
      connection = await connectAmqp(options, c.log, `pypeline-stream-${c.id}`);
      channel = await connection.createChannel();
      channel.on('close', () => {
        failure ??= new Error(`amqp ${where}: the channel closed; restart the app (unacknowledged messages are delivered again)`);
        notify();
      });
      channel.on('error', (e: Error) => c.log('warn', `amqp ${where}: ${e.message}`));
      await channel.checkQueue(options.queue).catch((e: Error) => {
        throw new Error(`queue "${options.queue}" does not exist on ${safeUrl(options.url)} (${e.message}): declare it, or check queue and the virtual host in url`);
      });
      await channel.prefetch(options.prefetch ?? 10_000);
      await channel.consume(options.queue, (m) => {
        if (!m) return; // the broker cancelled the consumer: the channel's close reports it
        buffered.push(m);
        notify();
      }, { noAck: false });
    },
    async *batches(): AsyncIterable<SourceBatch> {
      const stop = () => notify();
      ctx.signal.addEventListener('abort', stop, { once: true });
      try {
        while (!ctx.signal.aborted) {
          if (buffered.length === 0) {
            if (failure) throw failure;
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          const messages = buffered.splice(0, batchSize);
          const meta = options.routingKeyColumn ? messages.map((m) => ({ [options.routingKeyColumn!]: m.fields.routingKey })) : undefined;
          const batch = decoder.decode(messages.map((m) => m.content), meta);
          lastOf.set(++seq, messages[messages.length - 1]);
          // A batch whose messages were all skipped is acknowledged with the next checkpoint all the same.
          if (batch) yield { batch, position: seq };
          else ctx.setPosition(seq);
        }
      } finally {
        ctx.signal.removeEventListener('abort', stop);
      }
    },
    committed(position) {
      if (typeof position !== 'number' || !channel) return;
      let last: ConsumeMessage | undefined;
      for (const [p, m] of lastOf) {
        if (p > position) break;
        last = m;
        lastOf.delete(p);
      }
      if (last) channel.ack(last, true); // every message up to it
    },
    async lag() {
      if (!channel || failure) return undefined;
      return (await channel.checkQueue(options.queue)).messageCount + buffered.length;
    },
    async close() {
      // WARNING: close the channel first: its close follows the acknowledgements on the same
      // channel, while a connection's close can overtake frames the channel has not written yet.
      // Closing returns every unacknowledged message to the queue.
      await channel?.close().catch(() => {});
      await connection?.close().catch(() => {});
      connection = channel = undefined;
    },
  };
}

export interface AmqpSinkOptions extends AmqpConnectOptions {
  /** Routing key; `{column}` placeholders take the row's value: `orders.{region}`. */
  routingKey: string;
  /** The exchange; "" (default) routes to the queue named by the routing key. */
  exchange?: string;
  /** Messages survive a broker restart in durable queues. @default true */
  persistent?: boolean;
}

/** Publishes each row as a JSON message on a confirm channel: a write completes when the broker confirmed every row. At least once. */
export function amqpSink(options: AmqpSinkOptions): StreamSink {
  const exchange = options.exchange ?? '';
  const where = `${safeUrl(options.url)} ${exchange || '(default exchange)'} ${options.routingKey}`;
  const keyOf = topicTemplate(options.routingKey, `amqp sink (${where})`);
  let connection: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  return {
    kind: 'amqp',
    describe: () => where,
    async open(c) {
      connection = await connectAmqp(options, c.log, `pypeline-stream-${c.id}`);
      channel = await connection.createConfirmChannel();
      if (exchange) {
        await channel.checkExchange(exchange).catch((e: Error) => {
          throw new Error(`exchange "${exchange}" does not exist on ${safeUrl(options.url)} (${e.message}): declare it, or fix exchange`);
        });
      }
    },
    async write(batch) {
      const texts = encodeRows(batch);
      const rows = keyOf ? batchToRows(batch) : undefined;
      for (let i = 0; i < texts.length; i++) {
        const key = rows ? keyOf!(rows[i], i) : options.routingKey;
        const sent = channel!.publish(exchange, key, Buffer.from(texts[i]), { persistent: options.persistent ?? true, contentType: 'application/json' });
        if (!sent) await new Promise((resolve) => channel!.once('drain', resolve));
      }
      await channel!.waitForConfirms();
    },
    flush() {},
    async close() {
      await connection?.close().catch(() => {});
      connection = channel = undefined;
    },
  };
}
