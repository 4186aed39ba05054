import { DeliverPolicy, type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg, type NatsConnection } from 'nats';
import { batchToRows, type Row, type SourceBatch, type SourceContext, type StreamSink, type StreamSource } from '@pypeline/stream';
import { Decoder, encodeRows, type DecodeOptions } from './formats.js';
import { withColumn } from './meta-column.js';
import { connectNats, natsUrls, topicTemplate, type NatsConnectOptions } from '@pypeline/brokers';

export type { NatsConnectOptions } from '@pypeline/brokers';

export interface NatsJetStreamSourceOptions extends NatsConnectOptions, DecodeOptions {
  /** The JetStream stream to read. */
  stream: string;
  /** Only messages whose subject matches (wildcards allowed). @default the whole stream */
  subject?: string | string[];
  /** Where a first start begins: the stream's first message, or only messages published after the start. @default 'first' */
  startAt?: 'first' | 'new';
  /** Adds each message's subject as this column. */
  subjectColumn?: string;
  /** Rows per batch at most. @default 1000 */
  batchSize?: number;
}

/**
 * Reads a JetStream stream with an ordered consumer (no acks: the stream keeps the messages).
 * The position is the stream sequence of the last message processed, and a restart reads from
 * the one after it, so with checkpoints the source is at least once and replays nothing committed.
 */
export function natsJetStreamSource(options: NatsJetStreamSourceOptions): StreamSource {
  const subjects = options.subject === undefined ? [] : [options.subject].flat();
  const where = `${natsUrls(options.servers)} ${options.stream}${subjects.length ? ` ${subjects.join(',')}` : ''}`;
  const batchSize = options.batchSize ?? 1000;
  let ctx: SourceContext;
  let nc: NatsConnection | undefined;
  let consumer: Consumer;
  let messages: ConsumerMessages | undefined;
  let decoder: Decoder;
  // Messages the server still holds for the consumer, as of the last one delivered.
  let serverPending: number | undefined;

  const toBatch = (msgs: JsMsg[]) => {
    const meta = options.subjectColumn ? msgs.map((m) => ({ [options.subjectColumn!]: m.subject })) : undefined;
    return decoder.decode(msgs.map((m) => m.data), meta);
  };

  // An ordered consumer (no acks) from the message after `position`.
  const orderedConsumer = async (conn: NatsConnection, position: unknown): Promise<Consumer> => {
    const jsm = await conn.jetstreamManager().catch((e: Error) => {
      throw new Error(`JetStream is not enabled on ${conn.getServer()} (${e.message}): start the server with JetStream (nats-server -js)`);
    });
    const info = await jsm.streams.info(options.stream).catch((e: Error) => {
      throw new Error(`stream "${options.stream}" ${String((e as { code?: unknown }).code) === '404' ? 'does not exist' : `could not be read (${e.message})`} on ${conn.getServer()}: create it (e.g. nats stream add ${options.stream} --subjects '...') or fix stream`);
    });
    // 'new' is fixed here, at open: a message published before the consumer exists is still read.
    const after = typeof position === 'number' ? position : options.startAt === 'new' ? info.state.last_seq : 0;
    if (typeof position !== 'number' && options.startAt === 'new') ctx.setPosition(after); // a restart before the first message starts here too
    // WARNING: not DeliverPolicy.All: the ordered consumer adds opt_start_seq, and the server then creates no consumer (silently).
    const start = { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 };
    return conn.jetstream().consumers.get(options.stream, { ...start, ...(subjects.length ? { filterSubjects: subjects.length === 1 ? subjects[0] : subjects } : {}) });
  };

  return {
    kind: 'nats',
    describe: () => where,
    async open(c) {
      ctx = c;
      decoder = new Decoder(`nats source "${c.id}" (${where})`, withColumn(options, options.subjectColumn), c.log);
      nc = await connectNats(options, c.log);
      try {
        consumer = await orderedConsumer(nc, c.position);
      } catch (e) {
        await this.close(); // the runner closes only sources that opened
        throw e;
      }
    },
    async *batches(): AsyncIterable<SourceBatch> {
      const iter = (messages = await consumer.consume({ max_messages: Math.max(100, batchSize) }));
      const stop = () => void iter.close();
      if (ctx.signal.aborted) return stop();
      ctx.signal.addEventListener('abort', stop, { once: true });
      try {
        let buf: JsMsg[] = [];
        for await (const m of iter) {
          buf.push(m);
          serverPending = m.info.pending;
          // getPending() counts the message in hand: yield once nothing else is buffered.
          if (buf.length < batchSize && iter.getPending() > 1) continue;
          const batch = toBatch(buf);
          const position = buf[buf.length - 1].seq;
          buf = [];
          if (batch) yield { batch, position };
          if (ctx.signal.aborted) return;
        }
      } finally {
        ctx.signal.removeEventListener('abort', stop);
      }
      if (!ctx.signal.aborted) throw new Error(`nats ${where}: the consumer stopped (${nc?.isClosed() ? 'connection closed' : 'stream deleted?'}); restart the app to resume from the last checkpoint`);
    },
    lag: () => (serverPending === undefined ? undefined : serverPending + Math.max(0, (messages?.getPending() ?? 1) - 1)),
    async close() {
      await messages?.close();
      await nc?.close();
      nc = undefined;
    },
  };
}

export interface NatsSinkOptions extends NatsConnectOptions {
  /** Subject to publish to; `{column}` placeholders take the row's value: `alerts.{site}`. */
  subject: string;
  /**
   * Publish through JetStream: each write waits for the stream's acknowledgement of every row,
   * so the sink is at least once. Without it, rows are published on core NATS (at most once). @default false
   */
  jetstream?: boolean;
  /**
   * JetStream only: the `Nats-Msg-Id` of each row (a column name or a function), so the stream
   * drops rows replayed after a restart within its duplicate window (2 minutes by default).
   */
  msgId?: string | ((row: Row) => string);
}

const JS_WINDOW = 512;

/** Publishes each row as a JSON message. */
export function natsSink(options: NatsSinkOptions): StreamSink {
  const where = `${natsUrls(options.servers)} ${options.subject}${options.jetstream ? ' (JetStream)' : ''}`;
  const subjectOf = topicTemplate(options.subject, `nats sink (${where})`);
  const msgIdOf = typeof options.msgId === 'string' ? (r: Row) => String(r[options.msgId as string]) : options.msgId;
  let nc: NatsConnection | undefined;
  let js: JetStreamClient | undefined;

  const publishJs = async (subject: string, text: string, msgID: string | undefined) => {
    try {
      await js!.publish(subject, text, msgID ? { msgID } : undefined);
    } catch (e) {
      const noStream = String((e as { code?: unknown }).code) === '503';
      throw new Error(`nats sink (${where}): ${noStream ? `no JetStream stream stores subject "${subject}": add the subject to a stream, or set jetstream: false` : (e as Error).message}`);
    }
  };

  return {
    kind: 'nats',
    describe: () => where,
    async open(c) {
      nc = await connectNats(options, c.log);
      if (options.jetstream) js = nc.jetstream();
    },
    async write(batch) {
      const texts = encodeRows(batch);
      const rows = subjectOf || msgIdOf ? batchToRows(batch) : undefined;
      const subject = (i: number) => (subjectOf ? subjectOf(rows![i], i) : options.subject);
      if (!js) return texts.forEach((t, i) => nc!.publish(subject(i), t));
      // Acknowledgements awaited in windows: thousands of requests at once time out on a busy server.
      for (let from = 0; from < texts.length; from += JS_WINDOW) {
        await Promise.all(texts.slice(from, from + JS_WINDOW).map((t, k) => publishJs(subject(from + k), t, msgIdOf?.(rows![from + k]))));
      }
    },
    async flush() {
      await nc?.flush(); // core NATS: the server has received everything published so far
    },
    async close() {
      await nc?.close();
      nc = undefined;
    },
  };
}
