import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectSink, memorySource, runStream, streamApp, type CheckpointMeta, type Row } from '@pypeline/stream';
import { until } from '@pypeline/test-services';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaSink, kafkaSource, parsePosition } from './kafka.js';

const BROKERS = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean) ?? [];
const SKIP_REASON = 'no Kafka broker on this machine: set KAFKA_BROKERS=host:9092 to run';
if (BROKERS.length === 0) process.stderr.write(`[kafka] skipping the broker tests: ${SKIP_REASON}\n`);

describe('kafka positions and errors (no broker needed)', () => {
  it('reads a checkpointed position as partition → offset text, and refuses anything else', () => {
    expect(parsePosition(undefined, 'k')).toEqual({});
    expect(parsePosition({ 0: '12', 3: 7 }, 'k')).toEqual({ 0: '12', 3: '7' });
    expect(() => parsePosition(5, 'k')).toThrow(/kafka source "k": the checkpoint holds position 5, not partition → offset/);
    expect(() => parsePosition({ x: '1' }, 'k')).toThrow(/offset "1" for partition "x", which is not a number/);
  });

  it('says which brokers it could not reach', async () => {
    const client = { connectionTimeout: 300, retry: { retries: 0 } };
    const source = kafkaSource({ brokers: ['127.0.0.1:1'], topic: 't', client });
    const stop = new AbortController();
    await expect(Promise.resolve(source.open({ id: 'k', position: undefined, signal: stop.signal, log: () => {}, intake: () => { throw new Error('no intake'); }, setPosition: () => {} })))
      .rejects.toThrow(/^cannot reach Kafka at 127\.0\.0\.1:1 \(topic t\): .* \(check brokers, and that Kafka is running and the topic exists\)$/);
    // The idempotent producer needs at least one retry.
    const sink = kafkaSink({ brokers: ['127.0.0.1:1'], topic: 't', client: { connectionTimeout: 300, retry: { retries: 1, initialRetryTime: 50 } } });
    await expect(Promise.resolve(sink.open({ id: 'k', app: 'a', log: () => {} }))).rejects.toThrow(/^cannot reach Kafka at 127\.0\.0\.1:1: /);
  });
});

describe.skipIf(BROKERS.length === 0)(`kafka against a broker${BROKERS.length === 0 ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  const topic = `pype_stream_${process.pid}_${Date.now()}`;
  const admin = new Kafka({ brokers: BROKERS, clientId: 'pypeline-test', logLevel: logLevel.NOTHING }).admin();
  const dirs: string[] = [];
  const stateDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'pype-kafka-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  }, 60_000);
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const produce = async (rows: Row[]) => {
    const app = streamApp('kafka_produce');
    app.source('rows', memorySource(rows, { schema: { sensor: 'string', n: 'int64' } })).to(kafkaSink({ brokers: BROKERS, topic, key: 'sensor', batchSize: 3 }));
    await runStream(app, { stateDir: stateDir(), fsync: false });
  };

  /** Consumes until `want` rows arrived, then stops; returns the rows and the last checkpoint. */
  const consume = async (dir: string, groupId: string, want: number) => {
    const sink = collectSink();
    const app = streamApp('kafka_consume');
    app.source('k', kafkaSource({ brokers: BROKERS, topic, groupId, schema: { sensor: 'string', n: 'int64' } })).to(sink);
    const stop = new AbortController();
    let last: CheckpointMeta | undefined;
    const running = runStream(app, { stateDir: dir, signal: stop.signal, fsync: false, checkpointInterval: '200ms', onCheckpoint: (m) => (last = m) });
    const end = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    await until(() => sink.rows.length >= want, () => `${want} rows from Kafka (got ${sink.rows.length})`, 60_000, 50);
    // Rows that should not come (repeats) would arrive before a checkpoint reaches the topic's end.
    const checkpointed = () => Object.values((last?.positions.k ?? {}) as Record<string, string>).reduce((sum, o) => sum + Number(o), 0);
    await until(() => checkpointed() >= end, () => `a checkpoint at the end of the topic (offset ${end}, checkpointed ${checkpointed()})`, 30_000, 50);
    stop.abort();
    await running;
    return { rows: sink.rows, last };
  };

  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ sensor: `s${(from + i) % 3}`, n: from + i }));
  const byN = (a: Row, b: Row) => Number(a.n) - Number(b.n);

  it('produces keyed JSON messages and consumes them with partition offsets in the checkpoint', async () => {
    await produce(rows(0, 10));
    const dir = stateDir();
    const first = await consume(dir, `${topic}-g1`, 10);
    expect([...first.rows].sort(byN)).toEqual(rows(0, 10));
    const offsets = Object.values(first.last!.positions.k as Record<string, string>).map(Number);
    expect(offsets.reduce((a, b) => a + b, 0)).toBe(10);

    // A restart from the checkpoint, even under a new group (no offsets of its own), reads only what came since.
    await produce(rows(10, 15));
    const second = await consume(dir, `${topic}-g2`, 5);
    expect([...second.rows].sort(byN)).toEqual(rows(10, 15));
  }, 180_000);
});
