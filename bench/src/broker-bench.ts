import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { connect, DeliverPolicy, type NatsConnection } from 'nats';
import { count, runStream, streamApp, tumbling, type SourceBatch, type StreamApp, type StreamSink, type StreamSource } from '@pypeline/stream';
import { mqttSource, natsJetStreamSource, redisStreamSource } from '@pypeline/stream-connectors';
import { plainWork, type PlainCase, type PlainEvent as Ev } from './stream-bench.js';

/**
 * The broker cases of the streaming suite: a stream app reading Redis Streams, NATS JetStream
 * and MQTT, against a plain client loop with the same library doing the same work (JSON decode,
 * then a filter and a computed field, or a keyed 1 s tumbling count in a `Map`). Both measure
 * events per CPU-second of this process (the broker's own CPU is not counted, alike for both).
 * Redis and NATS are preloaded with the events and both read them all from the start; MQTT
 * cannot replay, so a child process publishes them while the reader reads (QoS 1).
 */

export interface BrokerFigure {
  broker: string;
  case: PlainCase;
  tool: 'pypeline' | 'plain client';
  events: number;
  wallMs: number;
  cpuMs: number;
  outRows: number;
}

export type BrokerCase = PlainCase;
const CASES: BrokerCase[] = ['map/filter', 'key_by + tumbling count'];

/** The JSON payload of event `i` (100 sensors, values 0..99, 10 events per ms of event time). */
export function eventJson(i: number, t0: number): string {
  const seed = (i * 2654435761) >>> 0;
  return `{"sensor":"sensor-${seed % 100}","value":${(seed >>> 8) % 100},"ts":${t0 + Math.floor(i / 10)}}`;
}

/** The app: source → filter + map, or key_by + 1 s tumbling count, into a sink that counts rows. */
function app(kind: BrokerCase, source: StreamSource, sink: StreamSink): StreamApp {
  const a = streamApp(kind === 'map/filter' ? 'bench_broker_stateless' : 'bench_broker_windowed');
  const s = a.source('events', source, { eventTime: 'ts' });
  if (kind === 'map/filter') s.filter('value >= 10').map({ scaled: 'value * 2.5' }).to(sink, { name: 'out' });
  else s.keyBy('sensor').window(tumbling('1s')).aggregate({ n: count() }, { name: 'win' }).to(sink, { name: 'out' });
  return a;
}

/** Ends the source once `n` events came through, so the app stops like a bounded one; counts them in `seen`. */
function firstN(source: StreamSource, n: number, seen = { n: 0 }): StreamSource {
  return {
    kind: source.kind,
    open: (c) => source.open(c),
    close: () => source.close(),
    async *batches(): AsyncIterable<SourceBatch> {
      for await (const b of source.batches()) {
        yield b;
        seen.n += b.batch.numRows;
        if (seen.n >= n) return;
      }
    },
  };
}

async function measure(fn: () => Promise<number>): Promise<{ wallMs: number; cpuMs: number; outRows: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outRows = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, outRows };
}

async function runApp(kind: BrokerCase, source: StreamSource, events: number, opts: { seen?: { n: number }; signal?: AbortSignal } = {}): Promise<number> {
  let rows = 0;
  const sink: StreamSink = { kind: 'count', open() {}, write(b) { rows += b.numRows; }, flush() {}, close() {} };
  const dir = mkdtempSync(join(tmpdir(), 'pype-broker-bench-'));
  try {
    await runStream(app(kind, firstN(source, events, opts.seen), sink), { stateDir: dir, checkpointInterval: '5s', signal: opts.signal });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

// ---------------------------------------------------------------- Redis Streams

async function redisCases(url: string, events: number, t0: number): Promise<BrokerFigure[]> {
  const key = `pype-bench-broker-${process.pid}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  try {
    await admin.del(key);
    for (let i = 0; i < events; i += 1000) {
      const p = admin.pipeline();
      for (let j = i; j < Math.min(events, i + 1000); j++) p.xadd(key, '*', 'data', eventJson(j, t0));
      await p.exec();
    }
    const figures: BrokerFigure[] = [];
    for (const kind of CASES) {
      const ours = await measure(() => runApp(kind, redisStreamSource({ url, stream: key, startAt: 'first' }), events));
      figures.push({ broker: 'Redis Streams', case: kind, tool: 'pypeline', events, ...ours });
      const plain = await measure(async () => {
        const redis = new Redis(url);
        const work = plainWork(kind);
        let last = '0-0';
        let n = 0;
        while (n < events) {
          const res = (await redis.xread('COUNT', 1000, 'STREAMS', key, last)) as Array<[string, Array<[string, string[]]>]> | null;
          const entries = res?.[0]?.[1] ?? [];
          for (const [, fields] of entries) {
            for (let f = 0; f + 1 < fields.length; f += 2) if (fields[f] === 'data') work.add(JSON.parse(fields[f + 1]) as Ev);
          }
          n += entries.length;
          last = entries[entries.length - 1][0];
        }
        redis.disconnect();
        return work.end();
      });
      figures.push({ broker: 'Redis Streams', case: kind, tool: 'plain client', events, ...plain });
    }
    return figures;
  } finally {
    await admin.del(key).catch(() => 0);
    admin.disconnect();
  }
}

// ---------------------------------------------------------------- NATS JetStream

async function natsCases(servers: string, events: number, t0: number): Promise<BrokerFigure[]> {
  const nc: NatsConnection = await connect({ servers, timeout: 3000 });
  const jsm = await nc.jetstreamManager();
  const stream = `pype_bench_broker_${process.pid}`;
  const subject = `pype.bench.broker.${process.pid}`;
  try {
    await jsm.streams.add({ name: stream, subjects: [subject] });
    const js = nc.jetstream();
    for (let i = 0; i < events; i += 1000) {
      const acks: Array<Promise<unknown>> = [];
      for (let j = i; j < Math.min(events, i + 1000); j++) acks.push(js.publish(subject, eventJson(j, t0)));
      await Promise.all(acks);
    }
    const figures: BrokerFigure[] = [];
    for (const kind of CASES) {
      const ours = await measure(() => runApp(kind, natsJetStreamSource({ servers, stream, startAt: 'first' }), events));
      figures.push({ broker: 'NATS JetStream', case: kind, tool: 'pypeline', events, ...ours });
      const plain = await measure(async () => {
        const conn = await connect({ servers });
        const consumer = await conn.jetstream().consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1 });
        const messages = await consumer.consume({ max_messages: 1000 });
        const work = plainWork(kind);
        const text = new TextDecoder();
        let n = 0;
        for await (const m of messages) {
          work.add(JSON.parse(text.decode(m.data)) as Ev);
          if (++n >= events) break;
        }
        await conn.close();
        return work.end();
      });
      figures.push({ broker: 'NATS JetStream', case: kind, tool: 'plain client', events, ...plain });
    }
    return figures;
  } finally {
    await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
  }
}

// ---------------------------------------------------------------- MQTT

const PUBLISHER = fileURLToPath(new URL('./mqtt-publisher.js', import.meta.url));

/** Publishes the events from a child process (its CPU is not counted), QoS 1, once the reader is subscribed. */
function publishFromChild(url: string, topic: string, events: number, t0: number): Promise<void> {
  const child = spawn(process.execPath, [PUBLISHER, url, topic, String(events), String(t0)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the MQTT publisher exited with ${code}: ${err}`)))));
}

/**
 * Resolves once every event arrived, or, after the publisher ended, once none arrived for 2 s
 * (the broker dropped some: Mosquitto bounds a session's queue); checks every 100 ms.
 */
async function settled(seen: { n: number }, events: number, published: Promise<void>): Promise<void> {
  let done = false;
  void published.finally(() => (done = true));
  let last = -1;
  let quietSince = Date.now();
  while (seen.n < events) {
    await new Promise((r) => setTimeout(r, 100));
    if (seen.n !== last) {
      last = seen.n;
      quietSince = Date.now();
    } else if (done && Date.now() - quietSince > 2000) return;
  }
}

async function mqttCases(url: string, events: number, t0: number): Promise<BrokerFigure[]> {
  const probe = await mqtt.connectAsync(url, { connectTimeout: 3000, reconnectPeriod: 0 });
  await probe.endAsync();
  const figures: BrokerFigure[] = [];
  for (const kind of CASES) {
    const topic = `pype/bench/${process.pid}/${kind === 'map/filter' ? 'a' : 'b'}`;
    const clientId = `pype-bench-${process.pid}-${kind === 'map/filter' ? 'a' : 'b'}`;
    // Ours: the publisher starts once the source has subscribed.
    const seen = { n: 0 };
    const stop = new AbortController();
    let published: Promise<void> = Promise.resolve();
    const source = mqttSource({ url, topic, clientId, qos: 1 });
    const started: StreamSource = {
      kind: source.kind,
      async open(c) {
        await source.open(c);
        published = publishFromChild(url, topic, events, t0);
        void settled(seen, events, published).then(() => stop.abort());
      },
      close: () => source.close(),
      batches: () => source.batches(),
    };
    const ours = await measure(() => runApp(kind, started, events, { seen, signal: stop.signal }));
    await published;
    figures.push({ broker: 'MQTT', case: kind, tool: 'pypeline', ...ours, events: seen.n });
    const got = { n: 0 };
    const plain = await measure(async () => {
      const client = await mqtt.connectAsync(url, { clientId: `${clientId}-plain`, clean: true });
      const work = plainWork(kind);
      client.on('message', (_t, payload) => {
        work.add(JSON.parse(payload.toString()) as Ev);
        got.n++;
      });
      await client.subscribeAsync(`${topic}p`, { qos: 1 });
      const pub = publishFromChild(url, `${topic}p`, events, t0);
      await settled(got, events, pub);
      await pub;
      await client.endAsync();
      return work.end();
    });
    figures.push({ broker: 'MQTT', case: kind, tool: 'plain client', ...plain, events: got.n });
    // The persistent session the source asked for is not needed any more.
    const cleanup = await mqtt.connectAsync(url, { clientId, clean: true });
    await cleanup.endAsync();
  }
  return figures;
}

export interface BrokerTargets {
  redis: string;
  nats: string;
  mqtt: string;
}

/** Every broker case; a broker that is not reachable is skipped with the reason. */
export async function brokerBench(targets: BrokerTargets, events: number, log: (line: string) => void, only = ['redis', 'nats', 'mqtt']): Promise<{ figures: BrokerFigure[]; skipped: string[] }> {
  const t0 = Date.UTC(2026, 0, 1);
  const figures: BrokerFigure[] = [];
  const skipped: string[] = [];
  const cases: Array<[string, string, () => Promise<BrokerFigure[]>]> = [
    ['redis', `Redis Streams (${targets.redis})`, () => redisCases(targets.redis, events, t0)],
    ['nats', `NATS JetStream (${targets.nats})`, () => natsCases(targets.nats, events, t0)],
    ['mqtt', `MQTT (${targets.mqtt})`, () => mqttCases(targets.mqtt, events, t0)],
  ];
  for (const [id, name, run] of cases) {
    if (!only.includes(id)) continue;
    try {
      const got = await run();
      for (const f of got) log(`  ${f.broker} / ${f.case} / ${f.tool}: ${(f.cpuMs / 1000).toFixed(2)} s CPU, ${(f.wallMs / 1000).toFixed(2)} s wall, ${f.outRows} rows out`);
      figures.push(...got);
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      log(`  ${name} skipped: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { figures, skipped };
}
