import { fileURLToPath } from 'node:url';
import { Float64, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { Redis } from 'ioredis';
import { runModule, outputSchemasOf } from '@pypeline/sdk/testing';
import { describeWithService, serviceAddress, uniqueName } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import redisStreamSink from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const rows = (n: number) => new Table({
  tenant: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 2 ? 'b' : 'a')), new Utf8()),
  id: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new Int64()),
  score: vectorFromArray(Array.from({ length: n }, (_, i) => (i === 1 ? null : i + 0.5)), new Float64()),
});
const run = (config: Config, input = rows(3)) => runModule(redisStreamSink, { config, manifest: MANIFEST, inputs: { input } });

describe('redis_stream_sink without a server', () => {
  it('lists every problem of the config at once', async () => {
    const { problems } = await outputSchemasOf(redisStreamSink, { stream: 'ev:{tenantt}', format: 'fields', payload_column: 'id' }, { input: rows(1).schema });
    expect(problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'payload_column: payload_column is used by format json; format fields writes every column',
      'stream: stream names column "tenantt", which the input does not have (did you mean "tenant"?)',
    ]);
  });

  it('names the server and the fix when nothing listens', async () => {
    await expect(run({ url: 'redis://127.0.0.1:1', stream: 's' })).rejects.toThrow(/^cannot connect to Redis at redis:\/\/127\.0\.0\.1:1 \(.*\): start Redis \(redis-server\), or set url to where it runs$/);
  });
});

describeWithService('redis', 'redis_stream_sink against Redis', () => {
  const { host, port } = serviceAddress('redis');
  const url = `redis://${host}:${port}`;
  let redis: Redis;
  const keys: string[] = [];
  const key = (name: string) => {
    const k = uniqueName(`pype-test:${name}`);
    keys.push(k);
    return k;
  };
  beforeAll(() => {
    redis = new Redis(url);
  });
  afterAll(async () => {
    for (const k of keys) await redis.del(k, `${k}:a`, `${k}:b`);
    redis.disconnect();
  });
  const entries = async (k: string) => ((await redis.xrange(k, '-', '+')) as [string, string[]][]).map(([, fields]) => fields);

  it('appends each row as JSON in field data, to the stream its row names, in pipelines of batch_size', async () => {
    const k = key('json');
    const { ctx } = await run({ url, stream: `${k}:{tenant}`, batch_size: 2 }, rows(5));
    expect(ctx.globals.get('row_count')).toBe(5);
    expect((await entries(`${k}:a`)).map(([f, v]) => [f, JSON.parse(v)])).toEqual([
      ['data', { tenant: 'a', id: 0, score: 0.5 }], ['data', { tenant: 'a', id: 2, score: 2.5 }], ['data', { tenant: 'a', id: 4, score: 4.5 }],
    ]);
    expect(await redis.xlen(`${k}:b`)).toBe(2);
  });

  it('writes one field per column with format fields, nulls left out, trimmed to max_len', async () => {
    const k = key('fields');
    await run({ url, stream: k, format: 'fields', max_len: 1000 }, rows(2));
    expect(await entries(k)).toEqual([['tenant', 'a', 'id', '0', 'score', '0.5'], ['tenant', 'b', 'id', '1']]);
  });

  it('fails with the fix when the key holds another type', async () => {
    const k = key('wrongtype');
    await redis.set(k, 'x');
    await expect(run({ url, stream: k })).rejects.toThrow(/XADD failed: WRONGTYPE/);
  });
}, 60_000);
