import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisServerInstalled, startPrivateRedis, until, type PrivateRedis } from '@pypeline/test-services';
import { isConnectionError, RedisOutage } from './redis-outage.js';
import { redisConnection } from './redis-url.js';

describe('isConnectionError', () => {
  it('tells an unreachable Redis from a command Redis refused', () => {
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(new Error('Missing lock for job 1. moveToFinished'))).toBe(false);
  });
});

describe.skipIf(!redisServerInstalled())('RedisOutage (a private redis-server killed and started again)', () => {
  let redis: PrivateRedis;
  afterAll(async () => {
    await redis?.kill();
  });

  it('reports the outage once for all connections, the return once, and gives up after the limit', async () => {
    redis = await startPrivateRedis();
    const lines: string[] = [];
    const givenUp: Error[] = [];
    const others: Error[] = [];
    const outage = new RedisOutage({
      redis: redis.url, report: (l) => lines.push(l), waiting: 'waiting for it', limitMs: 1500, limitSource: 'the test',
      onGiveUp: (e) => givenUp.push(e), onOtherError: (e) => others.push(e),
    });
    // Without the watcher, each failed reconnect of these is an "[ioredis] Unhandled error event" with its stack.
    const clients = Array.from({ length: 3 }, () => new Redis({ ...redisConnection(redis.url), maxRetriesPerRequest: null }));
    const queue = new Queue('outage-test', { connection: redisConnection(redis.url) });
    for (const c of [...clients, queue]) outage.watch(c);
    const errors: Error[] = [];
    clients[0]!.on('error', (e) => errors.push(e));
    try {
      await until(() => clients.every((c) => c.status === 'ready'), 'the clients to connect');
      await queue.waitUntilReady();
      expect(outage.reconnects).toBe(0);

      await redis.kill();
      await until(() => outage.down, 'the outage to be noticed');
      // Several reconnects of every client fail meanwhile.
      await until(() => errors.length >= 3, () => `three failed reconnects (saw ${errors.length})`);
      await until(() => givenUp.length > 0, 'the limit to pass');
      expect(givenUp).toHaveLength(1);
      expect(givenUp[0]!.message).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${redis.port} has been unreachable for [\\d.]+ s, longer than the 1\\.50 s a run waits for it \\(the test\\); the run stopped$`));

      await redis.start();
      await outage.whenUp();
      await until(() => clients.every((c) => c.status === 'ready'), 'the clients to reconnect');
      expect(await clients[1]!.ping()).toBe('PONG');
      expect(lines).toEqual([
        `! Redis at 127.0.0.1:${redis.port} is unreachable (ECONNREFUSED); waiting for it`,
        expect.stringMatching(new RegExp(`^✓ Redis at 127\\.0\\.0\\.1:${redis.port} is back after [\\d.]+ (ms|s); continuing$`)),
      ]);
      expect(outage.reconnects).toBe(1);
      expect(others).toEqual([]);
    } finally {
      outage.close();
      for (const c of clients) c.disconnect();
      await queue.close();
    }
  }, 60_000);
});
