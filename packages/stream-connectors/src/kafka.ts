import type { RecordBatch } from 'apache-arrow';
import type { Consumer, Producer } from 'kafkajs';
import { kafkaClient as client, type KafkaClientOptions } from '@pypeline/brokers';
import type { SourceBatch, SourceContext, StreamSink, StreamSource } from '@pypeline/stream';
import { Decoder, encodeRows, type DecodeOptions } from './formats.js';

export type { KafkaClientOptions } from '@pypeline/brokers';

export interface KafkaSourceOptions extends DecodeOptions {
  /** `host:port` of one or more brokers. */
  brokers: string[];
  topic: string;
  /** Consumer group. @default `pypeline-<source id>` */
  groupId?: string;
  /** @default 'pypeline' */
  clientId?: string;
  /** Partitions the checkpoint does not cover start at their earliest message (true) or at new ones. @default true */
  fromBeginning?: boolean;
  client?: KafkaClientOptions;
}

/** Where a Kafka source is: partition → offset of the next message to read (text: offsets are 64-bit). */
export type KafkaPosition = Record<string, string>;

/** One fetched batch of one partition, waiting for the runtime to take it. */
interface Fetched {
  partition: number;
  values: Buffer[];
  next: string;
}

/**
 * Reads a topic through a consumer group, with the offsets in the app's checkpoints: on start
 * each assigned partition is sought to its checkpointed offset (kafkajs `seek`), so a restart
 * neither skips nor, beyond the last checkpoint, repeats messages. Offsets are also committed to
 * the group after each checkpoint, for tools that show lag; the checkpoint is what counts.
 * Backpressure: a fetched batch is handed over only when the runtime asks for the next one.
 */
export function kafkaSource(options: KafkaSourceOptions): StreamSource {
  const next: KafkaPosition = {};
  const lag = new Map<number, number>();
  const handoff = new Handoff<Fetched>();
  let ctx: SourceContext;
  let consumer: Consumer | undefined;
  let decoder: Decoder;

  const seekAssigned = (partitions: number[]) => {
    for (const p of partitions) if (next[p] !== undefined) consumer!.seek({ topic: options.topic, partition: p, offset: next[p] });
  };

  return {
    kind: 'kafka',
    describe: () => `kafka ${options.brokers.join(',')} ${options.topic}`,
    async open(c) {
      ctx = c;
      Object.assign(next, parsePosition(c.position, c.id));
      decoder = new Decoder(`kafka source "${c.id}" (${options.topic})`, { format: options.format, schema: options.schema, onError: options.onError }, c.log);
      const groupId = options.groupId ?? `pypeline-${c.id}`;
      consumer = client(options, c.log).consumer({ groupId });
      // WARNING: seek before the first fetch of each assignment (this event comes first), and again
      // after a rebalance or a restart of the consumer, which would otherwise go back to the group's offsets.
      consumer.on(consumer.events.GROUP_JOIN, (e) => seekAssigned(e.payload.memberAssignment[options.topic] ?? []));
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) handoff.fail(new Error(`kafka source "${c.id}": the consumer stopped: ${e.payload.error.message}`));
      });
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning ?? true });
      } catch (e) {
        await consumer.disconnect().catch(() => {});
        throw new Error(`cannot reach Kafka at ${options.brokers.join(', ')} (topic ${options.topic}): ${(e as Error).message} (check brokers, and that Kafka is running and the topic exists)`);
      }
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, isRunning, isStale, heartbeat }) => {
          if (!isRunning() || isStale() || batch.isEmpty()) return;
          const last = batch.messages[batch.messages.length - 1].offset;
          lag.set(batch.partition, Number(batch.offsetLag()));
          const values = batch.messages.flatMap((m) => (m.value ? [m.value] : []));
          await handoff.put({ partition: batch.partition, values, next: (BigInt(last) + 1n).toString() }, heartbeat, () => !isRunning() || isStale());
        },
      });
    },
    async *batches(): AsyncIterable<SourceBatch> {
      for (;;) {
        const item = await handoff.take(ctx.signal);
        if (!item) return;
        next[item.partition] = item.next;
        const batch = item.values.length > 0 ? decoder.decode(item.values) : undefined;
        if (batch) yield { batch, position: { ...next } };
      }
    },
    async committed(position) {
      const offsets = Object.entries(parsePosition(position, ctx.id)).map(([partition, offset]) => ({ topic: options.topic, partition: Number(partition), offset }));
      // Only informative (lag tools): after a rebalance the group may refuse offsets of partitions it moved.
      await consumer?.commitOffsets(offsets).catch((e: Error) => ctx.log('debug', `kafka source "${ctx.id}": could not commit offsets to the group: ${e.message}`));
    },
    lag: () => (lag.size === 0 ? undefined : [...lag.values()].reduce((a, b) => a + b, 0)),
    async close() {
      handoff.fail(undefined);
      await consumer?.disconnect().catch(() => {});
      consumer = undefined;
    },
  };
}

/** A checkpointed position, checked: partition → offset text. */
export function parsePosition(position: unknown, id: string): KafkaPosition {
  if (position === undefined) return {};
  if (typeof position !== 'object' || position === null || Array.isArray(position)) {
    throw new Error(`kafka source "${id}": the checkpoint holds position ${JSON.stringify(position)}, not partition → offset (was the source id used for another kind of source?)`);
  }
  const out: KafkaPosition = {};
  for (const [p, o] of Object.entries(position)) {
    if (!/^\d+$/.test(p) || !/^\d+$/.test(String(o))) throw new Error(`kafka source "${id}": the checkpoint holds offset ${JSON.stringify(o)} for partition ${JSON.stringify(p)}, which is not a number`);
    out[p] = String(o);
  }
  return out;
}

/**
 * Hands one item at a time from kafkajs's fetch loop to the source's reader, keeping the consumer
 * in its group (heartbeats) while the reader is busy, and withdrawing the item when it goes stale.
 */
class Handoff<T> {
  private item: { value: T; taken: () => void } | undefined;
  private wake: (() => void) | undefined;
  private failed: { error: Error | undefined } | undefined;

  async put(value: T, heartbeat: () => Promise<void>, stale: () => boolean): Promise<void> {
    let taken = false;
    let mine!: { value: T; taken: () => void };
    const done = new Promise<void>((resolve) => (mine = { value, taken: () => ((taken = true), resolve()) }));
    this.item = mine;
    this.wake?.();
    while (!taken && !this.failed) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 3000)))]);
      clearTimeout(timer);
      if (taken || this.failed) break;
      if (stale()) {
        // A consumer that restarted may have put a newer item meanwhile: leave that one.
        if (this.item === mine) this.item = undefined;
        return;
      }
      await heartbeat().catch(() => {});
    }
  }

  /** The next item; undefined when `signal` aborts or the handoff was closed. */
  async take(signal: AbortSignal): Promise<T | undefined> {
    while (!this.item) {
      if (this.failed) {
        if (this.failed.error) throw this.failed.error;
        return undefined;
      }
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    const { value, taken } = this.item;
    this.item = undefined;
    taken();
    return value;
  }

  /** Stops the reader: with an error, or (undefined) as the end. */
  fail(error: Error | undefined): void {
    this.failed ??= { error };
    this.wake?.();
  }
}

export interface KafkaSinkOptions {
  brokers: string[];
  topic: string;
  /** A column whose value becomes each message's key (Kafka sends equal keys to one partition). */
  key?: string;
  /** @default 'pypeline' */
  clientId?: string;
  /** Messages per produce request. @default 1000 */
  batchSize?: number;
  client?: KafkaClientOptions;
}

/**
 * Produces each row as a JSON message (bigints as text, timestamps as epoch milliseconds) with
 * the idempotent producer, waiting for every in-sync replica (acks -1). At least once: `flush`
 * sends what is buffered before each checkpoint; a replay after a crash may produce rows again.
 */
export function kafkaSink(options: KafkaSinkOptions): StreamSink {
  let producer: Producer | undefined;
  let pending: { key: string | null; value: string }[] = [];
  let id = 'kafka';
  const send = async (all: boolean) => {
    const size = options.batchSize ?? 1000;
    while (pending.length >= (all ? 1 : size)) {
      const messages = pending.slice(0, size);
      try {
        await producer!.send({ topic: options.topic, acks: -1, messages });
      } catch (e) {
        throw new Error(`kafka sink "${id}": cannot produce ${messages.length} messages to ${options.topic}: ${(e as Error).message} (check that the brokers are up and the topic exists)`);
      }
      pending = pending.slice(messages.length);
    }
  };
  return {
    kind: 'kafka',
    describe: () => `kafka ${options.brokers.join(',')} ${options.topic}`,
    async open(ctx) {
      id = ctx.id;
      try {
        producer = client(options, ctx.log).producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
      } catch (e) {
        throw new Error(`cannot reach Kafka at ${options.brokers.join(', ')}: ${(e as Error).message} (check brokers, and that Kafka is running)`);
      }
    },
    async write(batch) {
      const values = encodeRows(batch);
      const keys = keyColumn(batch, options.key, id);
      values.forEach((value, i) => pending.push({ key: keys ? keyText(keys.get(i)) : null, value }));
      await send(false);
    },
    flush: () => send(true),
    async close() {
      pending = [];
      await producer?.disconnect().catch(() => {});
      producer = undefined;
    },
  };
}

function keyColumn(batch: RecordBatch, key: string | undefined, id: string) {
  if (key === undefined) return undefined;
  const col = batch.getChild(key);
  if (!col) throw new Error(`kafka sink "${id}": key column "${key}" is not in the stream (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
  return col;
}

const keyText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
