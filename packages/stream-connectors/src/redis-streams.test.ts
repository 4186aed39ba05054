import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { collectSink, memorySource, runStream, streamApp, type StreamSink } from '@pypeline/stream';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { redisStreamSink, redisStreamSource, type RedisStreamSourceOptions } from './redis-streams.js';
import { opened, startStream, stateDirs } from './testing/start-stream.js';

describeWithService('redis', 'Redis Streams connectors against Redis', () => {
  const { host, port } = serviceAddress('redis');
  const url = `redis://${host}:${port}`;
  const dirs = stateDirs('redis');
  const keys: string[] = [];
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(url);
  });
  afterEach(async () => {
    dirs.clean();
    if (keys.length > 0) await redis.del(...keys.splice(0));
  });
  afterAll(() => redis.disconnect());

  const key = () => {
    const k = `pype-test:${uniqueName('s')}`;
    keys.push(k);
    return k;
  };
  const add = (stream: string, value: unknown) => redis.xadd(stream, '*', 'data', JSON.stringify(value));
  const reading = (options: Omit<RedisStreamSourceOptions, 'url'>, sink: StreamSink) => {
    const source = redisStreamSource({ url, schema: { n: 'int64' }, blockMs: 200, ...options });
    const app = streamApp('redis-test');
    app.source('in', source).to(sink);
    return { app, source, ready: opened(source) };
  };

  it('reads JSON entries from the first one, with the entry id column and lag', async () => {
    const stream = key();
    const ids = [await add(stream, { n: 1 }), await add(stream, { n: 2 })];
    const sink = collectSink();
    const r = reading({ stream, idColumn: 'id' }, sink);
    expect(r.source.describe?.()).toBe(`${url} ${stream}`);
    const run = startStream(r.app, dirs.make());
    await r.ready;
    await until(() => sink.rows.length >= 2, '2 rows');
    ids.push(await add(stream, { n: 3 }));
    await until(() => sink.rows.length >= 3, 'row 3');
    expect(await r.source.lag?.()).toBe(0);
    await run.stop();
    expect(sink.rows).toEqual([1, 2, 3].map((n, i) => ({ n, id: ids[i] })));
  });

  /** The source alone, read batch by batch, so lag can be asked between batches. */
  const direct = async (options: Omit<RedisStreamSourceOptions, 'url'>, position?: string) => {
    const source = redisStreamSource({ url, schema: { n: 'int64' }, blockMs: 100, ...options });
    const controller = new AbortController();
    const logs: string[] = [];
    await source.open({ id: 'in', position, signal: controller.signal, log: (level, msg) => logs.push(`${level}: ${msg}`), intake: () => { throw new Error('no intake'); }, setPosition: () => {} });
    const reader = source.batches()[Symbol.asyncIterator]();
    let read = 0;
    const next = async () => {
      const rows = (await reader.next()).value!.batch.numRows as number;
      read += rows;
      return rows;
    };
    return { source, logs, next, read: async () => read, stop: async () => { controller.abort(); await reader.return?.(); source.close(); } };
  };

  it('gives the exact lag while a backlog is being read, and as entries arrive', async () => {
    const stream = key();
    for (let n = 0; n < 25; n++) await add(stream, { n });
    const r = await direct({ stream, batchSize: 10 });
    expect(await r.source.lag?.()).toBe(25);
    expect(await r.next()).toBe(10);
    expect(await r.source.lag?.()).toBe(15);
    for (let n = 0; n < 3; n++) await add(stream, { n });
    expect(await r.source.lag?.()).toBe(18);
    expect(await r.next()).toBe(10);
    expect(await r.source.lag?.()).toBe(8);
    expect(await r.next()).toBe(8);
    expect(await r.source.lag?.()).toBe(0);
    await add(stream, { n: 99 });
    expect(await r.source.lag?.()).toBe(1);
    await r.stop();

    // Restarted from a checkpoint: the backlog after it is counted in the background, then exact.
    const ids = await redis.xrange(stream, '-', '+');
    const again = await direct({ stream, batchSize: 3 }, ids[20][0]);
    await until(async () => (await again.source.lag?.()) !== undefined, 'the backlog counted', 30_000);
    expect(await again.source.lag?.()).toBe(ids.length - 21 - (await again.read()));
    expect(await again.next()).toBe(3);
    expect(await again.source.lag?.()).toBe(ids.length - 21 - (await again.read()));
    await add(stream, { n: 100 });
    expect(await again.source.lag?.()).toBe(ids.length - 20 - (await again.read()));
    await again.stop();
  });

  it('counts a backlog of many pages after a restart while the reader is reading it', async () => {
    const stream = key();
    const pipeline = redis.pipeline();
    for (let n = 0; n < 12_000; n++) pipeline.xadd(stream, '*', 'data', JSON.stringify({ n }));
    await pipeline.exec();
    const first = (await redis.xrange(stream, '-', '+', 'COUNT', 1))[0][0];
    const r = await direct({ stream, batchSize: 500 }, first);
    expect(await r.next()).toBe(500);
    await until(async () => (await r.source.lag?.()) !== undefined, 'the backlog counted', 30_000);
    expect(await r.source.lag?.()).toBe(11_999 - (await r.read()));
    await r.stop();
  });

  it('warns once that a stream does not exist and waits for it to be created, with lag 0 meanwhile', async () => {
    const stream = key();
    const r = await direct({ stream });
    expect(r.logs).toEqual([
      `warn: redis stream source "in": stream "${stream}" does not exist on ${url}; waiting for it to be created (the first XADD creates it). If it should exist, check stream (and the database number in url)`,
    ]);
    expect(await r.source.lag?.()).toBe(0);
    const read = r.next();
    await add(stream, { n: 1 });
    expect(await read).toBe(1);
    expect(await r.source.lag?.()).toBe(0);
    expect(r.logs).toHaveLength(1);
    await r.stop();
  });

  it("reads each entry's fields as columns, typed by the schema", async () => {
    const stream = key();
    await redis.xadd(stream, '*', 'sensor', 's1', 'value', '1.5');
    await redis.xadd(stream, '*', 'sensor', 's2', 'value', '-2');
    const sink = collectSink();
    const r = reading({ stream, format: 'fields', schema: { sensor: 'string', value: 'float64' } }, sink);
    const run = startStream(r.app, dirs.make());
    await until(() => sink.rows.length >= 2, '2 rows');
    await run.stop();
    expect(sink.rows).toEqual([{ sensor: 's1', value: 1.5 }, { sensor: 's2', value: -2 }]);
  });

  it('after a restart, resumes after the checkpointed entry id', async () => {
    const stream = key();
    const dir = dirs.make();
    for (const n of [1, 2, 3]) await add(stream, { n });
    const first = collectSink();
    const a = reading({ stream, batchSize: 2 }, first);
    const run1 = startStream(a.app, dir);
    await until(() => first.rows.length >= 3, 'the first 3 rows');
    expect((await run1.stop()).checkpoints).toBe(1);

    for (const n of [4, 5]) await add(stream, { n });
    const second = collectSink();
    const b = reading({ stream }, second);
    const run2 = startStream(b.app, dir);
    await b.ready;
    await add(stream, { n: 6 });
    await until(() => second.rows.length >= 3, 'rows 4 to 6');
    expect((await run2.stop()).restoredFrom).toBe(1);
    expect(first.rows.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(second.rows.map((r) => r.n)).toEqual([4, 5, 6]);
  });

  it("with startAt: 'new', skips what the stream held before the first start", async () => {
    const stream = key();
    await add(stream, { n: 1 });
    const sink = collectSink();
    const r = reading({ stream, startAt: 'new' }, sink);
    const run = startStream(r.app, dirs.make());
    await r.ready;
    await add(stream, { n: 2 });
    await until(() => sink.rows.length >= 1, 'row 2');
    await run.stop();
    expect(sink.rows.map((x) => x.n)).toEqual([2]);
  });

  it('appends rows as JSON or as fields, trimmed to maxLen', async () => {
    const json = key();
    const fields = key();
    const rows = Array.from({ length: 300 }, (_, i) => ({ k: `k${i}`, v: i }));
    const app = streamApp('redis-sink');
    const input = app.source('in', memorySource(rows, { batchSize: 100 }));
    input.to(redisStreamSink({ url, stream: json }));
    input.to(redisStreamSink({ url, stream: fields, format: 'fields', maxLen: 10 }));
    expect((await runStream(app, { stateDir: dirs.make(), fsync: false })).reason).toBe('ended');
    expect(await redis.xlen(json)).toBe(300);
    expect((await redis.xrange(json, '-', '+', 'COUNT', 1))[0][1]).toEqual(['data', '{"k":"k0","v":0}']);
    const trimmed = await redis.xlen(fields);
    expect(trimmed).toBeGreaterThanOrEqual(10);
    expect(trimmed).toBeLessThan(300);
    expect((await redis.xrevrange(fields, '+', '-', 'COUNT', 1))[0][1]).toEqual(['k', 'k299', 'v', '299']);
  });

  it('explains a Redis that is down, and an entry without the payload field', async () => {
    const down = streamApp('redis-down');
    down.source('in', redisStreamSource({ url: 'redis://127.0.0.1:1', stream: 's' })).to(collectSink());
    await expect(runStream(down, { stateDir: dirs.make(), fsync: false })).rejects.toThrow(
      /source "in" \(redis:\/\/127\.0\.0\.1:1 s\) could not open: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\): start Redis/,
    );
    const stream = key();
    await redis.xadd(stream, '1-1', 'other', 'x');
    const r = reading({ stream }, collectSink());
    await expect(runStream(r.app, { stateDir: dirs.make(), fsync: false })).rejects.toThrow(
      `entry 1-1 of ${url} ${stream} has no field "data" (it has other): set field, or format: 'fields', or onError: 'skip'`,
    );
  });
}, 90_000);
