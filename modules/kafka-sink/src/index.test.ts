import { fileURLToPath } from 'node:url';
import { Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { Kafka, logLevel } from 'kafkajs';
import { runModule, outputSchemasOf } from '@pypeline/sdk/testing';
import { uniqueName, until } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkaSink from './index.js';
import type { Config } from './config.js';

// There is no Kafka on this machine's service list: the broker tests run only where KAFKA_BROKERS names one.
const BROKERS = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean) ?? [];
const SKIP_REASON = 'no Kafka broker on this machine: set KAFKA_BROKERS=host:9092 to run';
if (BROKERS.length === 0) process.stderr.write(`[kafka_sink] skipping the broker tests: ${SKIP_REASON}\n`);

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const rows = (n: number) => new Table({
  region: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 2 ? 'eu' : 'us')), new Utf8()),
  id: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new Int64()),
});
const run = (config: Config, input = rows(3)) => runModule(kafkaSink, { config, manifest: MANIFEST, inputs: { input } });

describe('kafka_sink without a broker', () => {
  it('lists every problem of the config at once', async () => {
    const { problems } = await outputSchemasOf(kafkaSink, { brokers: [], topic: 'o-{regio}', key: 'idd' }, { input: rows(1).schema });
    expect(problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'brokers: brokers is empty',
      'topic: topic names column "regio", which the input does not have (did you mean "region"?)',
      'key: key names column "idd", which the input does not have (did you mean "id"?)',
    ]);
  });

  it('names the brokers and the fix when none answers', async () => {
    const error = await run({ brokers: ['127.0.0.1:1'], topic: 't', connect_timeout: 1 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^cannot reach Kafka at 127\.0\.0\.1:1 \(/);
    expect((error as { hint?: string }).hint).toBe('start Kafka, or set brokers to where it runs (host:port of at least one broker)');
  }, 60_000);
});

describe.skipIf(BROKERS.length === 0)(`kafka_sink against a broker${BROKERS.length === 0 ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  const base = uniqueName('pype_sink');
  const topics = [`${base}-us`, `${base}-eu`];
  const kafka = new Kafka({ brokers: BROKERS, clientId: 'pypeline-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 2 })), waitForLeaders: true });
  }, 60_000);
  afterAll(async () => {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  });

  it('produces each row as JSON to the topic its row names, keyed by a column', async () => {
    const { ctx } = await run({ brokers: BROKERS, topic: `${base}-{region}`, key: 'id', batch_size: 2 }, rows(5));
    expect(ctx.globals.get('row_count')).toBe(5);
    const consumer = kafka.consumer({ groupId: `${base}-check` });
    const got: { topic: string; key: string; value: unknown }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => void got.push({ topic, key: String(message.key), value: JSON.parse(String(message.value)) }) });
    await until(() => got.length >= 5, () => `5 messages (got ${got.length})`, 60_000, 50);
    await consumer.disconnect();
    expect(got.sort((a, b) => Number(a.key) - Number(b.key))).toEqual([0, 1, 2, 3, 4].map((i) => ({ topic: `${base}-${i % 2 ? 'eu' : 'us'}`, key: String(i), value: { region: i % 2 ? 'eu' : 'us', id: i } })));
  }, 180_000);
});
