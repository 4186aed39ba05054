import { Redis } from 'ioredis';
import { PypeError } from '@pypeline/core';
import { parseRedisUrl, safeRedisUrl } from './redis-url.js';
import { errorCode, errorMessage } from '@pypeline/sdk';

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
