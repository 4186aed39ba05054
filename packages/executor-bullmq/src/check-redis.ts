import { Redis } from 'ioredis';
import { PypeError } from '@pypeline/core';
import { parseRedisUrl, safeRedisUrl } from './redis-url.js';
import { errorCode, errorMessage, sleep } from '@pypeline/sdk';

/**
 * Fails fast with a clear message when Redis does not answer: BullMQ itself would retry the
 * connection forever, which looks like a hang to a person running `pype run`.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...parseRedisUrl(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let cause: unknown;
  client.on('error', (err) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const why = cause ?? err;
    throw new PypeError(`cannot reach Redis at ${safeRedisUrl(url)}: ${errorCode(why) ?? errorMessage(why)}`, {
      hint: 'start Redis (e.g. `redis-server`), or point --redis at where it runs (redis://host:6379)',
    });
  } finally {
    client.disconnect();
  }
}

/**
 * Waits until Redis answers, for a long-lived process (a worker) that should outlast a Redis
 * restart instead of exiting: says once that it waits and once that Redis answers. Returns
 * false when `signal` aborted the wait.
 */
export async function waitForRedis(url: string, report: (line: string) => void, signal: AbortSignal, retryMs = 1000): Promise<boolean> {
  let since: number | undefined;
  while (!signal.aborted) {
    try {
      await assertRedisReachable(url);
      if (since !== undefined) report(`✓ Redis at ${safeRedisUrl(url)} answers after ${((Date.now() - since) / 1000).toFixed(1)} s; starting`);
      return true;
    } catch (err) {
      if (since === undefined) {
        since = Date.now();
        report(`! ${errorMessage(err)}; waiting for it (Ctrl-C to stop)`);
      }
    }
    await sleep(retryMs, signal);
  }
  return false;
}
