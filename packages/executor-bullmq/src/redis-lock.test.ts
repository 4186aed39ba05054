import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { lockKey } from './queue-names.js';
import { acquireLock, acquireLocks, releaseAll } from './redis-lock.js';

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
    await until(() => waits.length > 0, 'the second caller to find the lock busy');
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
    // What is awaited here is time itself: two leases, with the holder renewing all along. The
    // lease is long enough that a busy machine still renews (every third of it) in time.
    const leaseMs = 1000;
    const live = await acquireLock(redis, r, { leaseMs });
    await new Promise((resolve) => setTimeout(resolve, 2 * leaseMs));
    expect(live.lost.aborted).toBe(false);
    expect(await redis.exists(lockKey(r))).toBe(1);
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
    await redis.set(lockKey(r), 'someone-else', 'PX', 60_000);
    await until(() => lease.lost.aborted, 'the holder\'s next renewal to find the key taken');
    await lease.release();
    expect(await redis.get(lockKey(r))).toBe('someone-else');
    await redis.del(lockKey(r));
  });

  it('takes several locks in name order, so opposite requests cannot deadlock', async () => {
    const [a, b] = [uniqueName('a'), uniqueName('b')];
    // Whoever gets the locks first keeps them until the other is seen waiting, so the two
    // requests really overlap; in any other order than by name they would deadlock here.
    let otherWaits!: () => void;
    const contended = new Promise<void>((resolve) => (otherWaits = resolve));
    const take = (names: string[], result: number) =>
      acquireLocks(redis, names, { retryMs: 10, onWait: () => otherWaits() }).then(async (held) => (await contended, await releaseAll(held), result));
    expect(await Promise.all([take([a, b], 1), take([b, a], 2)])).toEqual([1, 2]);
  });
}, 60_000);
