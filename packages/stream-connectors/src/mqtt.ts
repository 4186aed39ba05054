import type { IPublishPacket, MqttClient } from 'mqtt';
import { batchToRows, type IntakeLog, type SourceBatch, type SourceContext, type StreamSink, type StreamSource } from '@pypeline/stream';
import { connectMqtt, safeUrl, topicTemplate, type MqttConnectOptions } from '@pypeline/brokers';
import { Decoder, encodeRows, type DecodeOptions } from './formats.js';
import { withColumn } from './meta-column.js';

export type { MqttConnectOptions } from '@pypeline/brokers';

export interface MqttSourceOptions extends MqttConnectOptions, DecodeOptions {
  /** Topic filter(s), wildcards allowed: `sensors/#`, `['a/+/temp', 'b/#']`. */
  topic: string | string[];
  /**
   * Required and fixed: the broker keeps this client's persistent session (subscriptions and
   * QoS 1 messages published while the app is stopped) under this id.
   */
  clientId: string;
  /** @default 1 — QoS 0 messages are neither queued while stopped nor redelivered. */
  qos?: 0 | 1;
  /** Adds each message's topic as this column. */
  topicColumn?: string;
  /** Rows per batch at most. @default 1000 */
  batchSize?: number;
}

/** One received message as kept in the intake log (msgpack in LMDB). */
export interface MqttIntakeRecord {
  /** Topic. */
  t: string;
  /** Payload. */
  p: Uint8Array;
  /** MQTT message id (QoS 1), to recognise a redelivery of a message already logged. */
  m?: number;
}

/**
 * Reads MQTT topics at least once. A broker cannot replay, so every message is appended to the
 * app's durable intake log before it is acknowledged (PUBACK): the messages that arrive together
 * (up to the broker's in-flight limit) are logged in one append (one write) and then acknowledged
 * together, in the order they came. Batches are read from the log
 * and a restart replays what the last checkpoint had not consumed. The session is persistent
 * (clean: false), so QoS 1 messages published while the app is stopped arrive after a restart.
 *
 * WARNING: brokers bound each session's queue and drop what overflows it, even at QoS 1
 * (Mosquitto: `max_queued_messages`, default 1000). Raise it for bursts or long stops.
 */
export function mqttSource(options: MqttSourceOptions): StreamSource {
  if (!options.clientId) {
    throw new Error(`mqttSource(${options.url} ${[options.topic].flat().join(',')}): clientId is required: the broker keeps a persistent session under it, so messages published while the app is stopped are delivered after a restart; give a fixed id unique to this app and source, e.g. clientId: 'my-app-sensors'`);
  }
  const topics = [options.topic].flat();
  const where = `${safeUrl(options.url)} ${topics.join(',')}`;
  const batchSize = options.batchSize ?? 1000;
  let ctx: SourceContext;
  let intake: IntakeLog;
  let decoder: Decoder;
  let client: MqttClient | undefined;
  let after = 0;
  // Fails `batches()` when a message could not be logged (it is then not acknowledged).
  const failed = new AbortController();
  let failure: Error | undefined;
  // MQTT message id → sequence number of the last message logged under it.
  const lastById = new Map<number, number>();
  const fresh = new FreshRecords(batchSize * 10);

  const isRedelivery = (packet: IPublishPacket): boolean => {
    const seq = packet.messageId === undefined ? undefined : lastById.get(packet.messageId);
    if (!packet.dup || seq === undefined) return false;
    const { records, last } = intake.read(seq - 1, 1);
    if (last !== seq) return false; // trimmed by a checkpoint: cannot compare, keep it (at least once)
    const r = records[0] as MqttIntakeRecord;
    return r.t === packet.topic && Buffer.from(r.p).equals(Buffer.from(packet.payload));
  };

  // The messages received since the last commit: logged in one append, then acknowledged together.
  let group: { records: MqttIntakeRecord[]; ids: Array<number | undefined>; acks: number[]; stream: MqttClient['stream'] } | undefined;

  const commit = () => {
    const { records, ids, acks, stream } = group!;
    group = undefined;
    if (failure) return;
    try {
      if (records.length > 0) {
        const last = intake.append(records); // one write for the group
        ids.forEach((m, i) => m !== undefined && lastById.set(m, last - records.length + 1 + i));
        fresh.add(last - records.length + 1, records);
      }
    } catch (e) {
      failure = new Error(`mqtt ${where}: could not log received messages, so they were not acknowledged: ${(e as Error).message}`);
      failed.abort();
      return;
    }
    // A message received on a connection that has since closed is not acknowledged: the broker
    // redelivers it on the new one, where it is recognised as already logged.
    if (acks.length > 0 && client?.stream === stream && !stream.destroyed) stream.write(pubacks(acks));
  };

  // mqtt.js hands over the next message only after `done`; called with an error, it sends no
  // PUBACK. So each message joins the group and `done(ACK_LATER)` lets the next one in at once;
  // the group is committed once the messages that came in this event-loop turn are in (at most
  // the broker's in-flight limit: Mosquitto's max_inflight_messages, 20 by default), and its
  // PUBACKs are sent after the commit, in the order the messages came.
  const handleMessage = (packet: IPublishPacket, done: (error?: Error) => void) => {
    if (failure) return done(ACK_LATER); // never acknowledged: the broker redelivers it to the next run
    try {
      if (!group) {
        group = { records: [], ids: [], acks: [], stream: client!.stream };
        setImmediate(commit);
      }
      if (packet.qos > 0 && packet.messageId !== undefined) group.acks.push(packet.messageId);
      if (isRedelivery(packet)) {
        ctx.log('debug', `mqtt ${where}: dropped a redelivery of message ${packet.messageId}, already logged`);
      } else {
        group.records.push({ t: packet.topic, p: Buffer.from(packet.payload), ...(packet.messageId !== undefined ? { m: packet.messageId } : {}) });
        group.ids.push(packet.messageId);
      }
      done(ACK_LATER);
    } catch (e) {
      failure = new Error(`mqtt ${where}: could not log a received message, so it was not acknowledged: ${(e as Error).message}`);
      failed.abort();
    }
  };

  return {
    kind: 'mqtt',
    describe: () => where,
    async open(c) {
      ctx = c;
      intake = c.intake();
      decoder = new Decoder(`mqtt source "${c.id}" (${where})`, withColumn(options, options.topicColumn), c.log);
      after = startSeq(c, intake, where);
      rememberMessageIds(intake, after, lastById);
      // `client` is set before connecting too: a persistent session's queued messages arrive at once.
      client = await connectMqtt(options, { clientId: options.clientId, clean: false }, c.log, (cl) => {
        client = cl;
        cl.handleMessage = handleMessage;
      });
      const granted = await client.subscribeAsync(topics, { qos: options.qos ?? 1 });
      const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
      if (refused.length > 0) {
        await this.close(); // the runner closes only sources that opened
        throw new Error(`the broker refused the subscription to ${refused.join(', ')} (check the topic filter and the broker's ACL for user "${options.username ?? ''}")`);
      }
    },
    async *batches(): AsyncIterable<SourceBatch> {
      const signal = AbortSignal.any([ctx.signal, failed.signal]);
      while (!signal.aborted) {
        const { records: rs, last } = fresh.take(after, batchSize) ?? (intake.read(after, batchSize) as { records: MqttIntakeRecord[]; last: number });
        if (rs.length === 0) {
          await intake.waitFor(after, signal);
          continue;
        }
        const meta = options.topicColumn ? rs.map((r) => ({ [options.topicColumn!]: r.t })) : undefined;
        const batch = decoder.decode(rs.map((r) => r.p), meta);
        after = last;
        // A batch whose messages were all skipped moves `after` on; its position is stored with the next one.
        if (batch) yield { batch, position: last };
      }
      if (failure) throw failure;
    },
    lag: () => (intake ? intake.lastSeq() - after : undefined),
    async close() {
      await client?.endAsync(true);
      client = undefined;
    },
  };
}

export interface MqttSinkOptions extends MqttConnectOptions {
  /** Topic to publish to; `{column}` placeholders take the row's value: `alerts/{site}`. */
  topic: string;
  /** @default 1 — with QoS 1 a write completes when the broker acknowledged every message. */
  qos?: 0 | 1 | 2;
  /** Publish as retained messages. @default false */
  retain?: boolean;
  /** @default a random id with a clean session */
  clientId?: string;
}

/** Publishes each row as a JSON message. At least once with QoS ≥ 1. */
export function mqttSink(options: MqttSinkOptions): StreamSink {
  const where = `${safeUrl(options.url)} ${options.topic}`;
  const topicOf = topicTemplate(options.topic, `mqtt sink (${where})`);
  const publish = { qos: options.qos ?? 1, retain: options.retain ?? false } as const;
  let client: MqttClient | undefined;
  return {
    kind: 'mqtt',
    describe: () => where,
    async open(c) {
      client = await connectMqtt(options, { clientId: options.clientId ?? `pype-${c.app}-${c.id}-${Math.random().toString(36).slice(2, 8)}`, clean: true }, c.log);
    },
    async write(batch) {
      const texts = encodeRows(batch);
      const rows = topicOf ? batchToRows(batch) : undefined;
      await Promise.all(texts.map((text, i) => client!.publishAsync(rows ? topicOf!(rows[i], i) : options.topic, text, publish)));
    },
    flush() {},
    async close() {
      await client?.endAsync();
      client = undefined;
    },
  };
}

/** Tells mqtt.js not to acknowledge a message: the source does once it is in the intake log. */
const ACK_LATER = new Error('acknowledged by mqttSource once the message is in the intake log');

/** MQTT 3.1.1 PUBACK packets (type 4, remaining length 2, the message id big-endian), one after another. */
function pubacks(ids: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(ids.length * 4);
  ids.forEach((id, i) => {
    out[i * 4] = 0x40;
    out[i * 4 + 1] = 2;
    out.writeUInt16BE(id, i * 4 + 2);
  });
  return out;
}

/**
 * The records logged last, in memory, so `batches()` takes them without reading them back from
 * the intake log. Bounded: a group that does not fit (the app is behind) is read from the log.
 */
class FreshRecords {
  private records: MqttIntakeRecord[] = [];
  /** The sequence number of records[0]. */
  private first = 0;
  constructor(private readonly limit: number) {}

  /** Records `first`, `first + 1`, ... were just logged. */
  add(first: number, records: MqttIntakeRecord[]): void {
    if (this.records.length === 0) this.first = first;
    if (this.first + this.records.length === first && this.records.length + records.length <= this.limit) this.records.push(...records);
  }

  /** Up to `limit` records after sequence number `after`, or undefined when they must be read from the log. */
  take(after: number, limit: number): { records: MqttIntakeRecord[]; last: number } | undefined {
    if (this.first <= after) {
      const read = Math.min(this.records.length, after - this.first + 1); // already read from the log
      this.records.splice(0, read);
      this.first += read;
    }
    if (this.records.length === 0 || this.first !== after + 1) return undefined;
    const records = this.records.splice(0, limit);
    this.first += records.length;
    return { records, last: after + records.length };
  }
}

/** The sequence number to read after: the checkpoint's, unless the intake log lost records. */
function startSeq(ctx: SourceContext, intake: IntakeLog, where: string): number {
  const position = typeof ctx.position === 'number' ? ctx.position : 0;
  if (intake.lastSeq() >= position) return position;
  // The intake log is written without fsync; after a machine crash it can end before the checkpoint.
  ctx.log('warn', `mqtt ${where}: the intake log ends at ${intake.lastSeq()}, before the checkpoint's position ${position}; messages acknowledged in between were lost`);
  return intake.lastSeq();
}

/** Rebuilds the message id map from the records not yet checkpointed (redeliveries can only be of those). */
function rememberMessageIds(intake: IntakeLog, after: number, lastById: Map<number, number>): void {
  for (let from = after; ;) {
    const { records, last } = intake.read(from, 1000);
    if (records.length === 0) return;
    records.forEach((r, i) => {
      const m = (r as MqttIntakeRecord).m;
      if (m !== undefined) lastById.set(m, from + i + 1);
    });
    from = last;
  }
}
