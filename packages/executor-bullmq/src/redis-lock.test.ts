import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithService, serviceAddress, uniqueName } from '@pypeline/test-services';
import { lockKey } from './queue-names.js';
import { acquireLock, acquireLocks } from './redis-lock.js';
import { sleep } from './testing/jobs.js';

describeWithService('redis', 'exclusive-resource locks on Redis', () => {
  const { host, port } = serviceAddress('redis');
  let redis: Redis;
  beforeAll(() => void (redis = new Redis({ host, port })));
  afterAll(async () => void (await redis.quit()));

  it('lets one holder in at a time; a waiter is told who holds it and gets it on release', async () => {
    const r = uniqueName('res');
    const first = await acquireLock(redis, r, { holder: 'worker-a' });
    const waits: string[] = [];
    let second: Awaited<ReturnType<typeof acquireLock>> | undefined;
    const pending = acquireLock(redis, r, { retryMs: 20, onWait: (_, by) => waits.push(by) }).then((l) => (second = l));
    await sleep(200);
    expect(second).toBeUndefined();
    expect(waits).toEqual([expect.stringMatching(/^worker-a since /)]);
    await first.release();
    await pending;
    expect(second!.lost.aborted).toBe(false);
    await second!.release();
    expect(await redis.exists(lockKey(r))).toBe(0);
  });

  it('keeps a live holder past its lease, and frees a dead holder\'s lock when the lease expires', async () => {
    const r = uniqueName('res');
    const live = await acquireLock(redis, r, { leaseMs: 300 });
    await sleep(700);
    await expect(acquireLock(redis, r, { retryMs: 20, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    await live.release();

    // A holder that died: its key stays until the lease runs out, and nobody renews it.
    await redis.set(lockKey(r), JSON.stringify({ holder: 'dead-worker', since: 'then' }), 'PX', 400);
    const t0 = Date.now();
    const next = await acquireLock(redis, r, { retryMs: 20 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await next.release();
  });

  it('tells a holder it lost the lock, and never deletes the new holder\'s key', async () => {
    const r = uniqueName('res');
    const lease = await acquireLock(redis, r, { leaseMs: 300 });
    await redis.set(lockKey(r), 'someone-else', 'PX', 5000);
    await sleep(250);
    expect(lease.lost.aborted).toBe(true);
    await lease.release();
    expect(await redis.get(lockKey(r))).toBe('someone-else');
    await redis.del(lockKey(r));
  });

  it('takes several locks in name order, so opposite requests cannot deadlock', async () => {
    const [a, b] = [uniqueName('a'), uniqueName('b')];
    const results = await Promise.all([acquireLocks(redis, [a, b], { retryMs: 10 }).then(async (l) => (await sleep(50), await Promise.all(l.map((x) => x.release())), 1)), acquireLocks(redis, [b, a], { retryMs: 10 }).then(async (l) => (await Promise.all(l.map((x) => x.release())), 2))]);
    expect(results).toEqual([1, 2]);
  });
});
