import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, DeliverPolicy, type NatsConnection } from 'nats';
import { runStream, streamApp, timeColumnMs, type StreamSink } from '@pypeline/stream';
import { natsJetStreamSource } from '@pypeline/stream-connectors';

export interface Latency {
  tool: string;
  events: number;
  p50: number;
  p99: number;
  max: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Publishes `events` JSON events at `rate`/s on core NATS (captured by the stream), each stamped with its send time. */
async function publish(nc: NatsConnection, subject: string, events: number, rate: number): Promise<void> {
  const burst = Math.max(1, Math.round(rate / 100)); // every 10 ms
  const t0 = performance.now();
  for (let i = 0; i < events; i += burst) {
    for (let j = i; j < Math.min(events, i + burst); j++) nc.publish(subject, JSON.stringify({ id: j, value: j % 100, sent: Date.now() }));
    const due = t0 + ((i + burst) / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await nc.flush();
}

/**
 * End-to-end latency through NATS JetStream: from publishing an event to a sink receiving it,
 * for a PYpeline stream app (JetStream source → filter → sink) and for a bare JetStream ordered
 * consumer (the peer: the client library alone, no engine).
 */
export async function natsLatency(servers: string, events: number, rate: number): Promise<Latency[]> {
  const nc = await connect({ servers });
  const jsm = await nc.jetstreamManager();
  const name = `pype_bench_${process.pid}`;
  const subject = `pype.bench.${process.pid}`;
  const results: Latency[] = [];
  try {
    // PYpeline
    await jsm.streams.add({ name, subjects: [subject] });
    const latencies: number[] = [];
    const sink: StreamSink = {
      kind: 'latency', open() {}, flush() {}, close() {},
      write(batch) {
        const now = Date.now();
        const sent = timeColumnMs(batch, 'sent');
        for (let i = 0; i < sent.length; i++) latencies.push(now - sent[i]);
      },
    };
    const app = streamApp('bench_nats_latency');
    app.source('events', natsJetStreamSource({ servers, stream: name, startAt: 'new', schema: { id: 'int64', value: 'float64', sent: 'float64' } })).filter('value >= 0').to(sink, { name: 'out' });
    const stop = new AbortController();
    const dir = mkdtempSync(join(tmpdir(), 'pype-latency-'));
    const running = runStream(app, { stateDir: dir, signal: stop.signal, checkpointInterval: '1s' });
    await new Promise((r) => setTimeout(r, 500)); // consumer ready
    await publish(nc, subject, events, rate);
    for (let i = 0; i < 500 && latencies.length < events; i++) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await running;
    rmSync(dir, { recursive: true, force: true });
    results.push({ tool: 'pypeline', events: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) });
    await jsm.streams.delete(name);

    // Bare ordered consumer
    await jsm.streams.add({ name, subjects: [subject] });
    const bare: number[] = [];
    const consumer = await nc.jetstream().consumers.get(name, { deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    const reading = (async () => {
      for await (const m of messages) {
        const e = JSON.parse(new TextDecoder().decode(m.data)) as { sent: number };
        bare.push(Date.now() - e.sent);
        if (bare.length >= events) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    await publish(nc, subject, events, rate);
    for (let i = 0; i < 500 && bare.length < events; i++) await new Promise((r) => setTimeout(r, 10));
    await messages.close();
    await reading;
    results.push({ tool: 'bare JetStream consumer', events: bare.length, p50: percentile(bare, 50), p99: percentile(bare, 99), max: Math.max(...bare) });
  } finally {
    await jsm.streams.delete(name).catch(() => {});
    await nc.close();
  }
  return results;
}
