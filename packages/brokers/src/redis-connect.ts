import { Redis } from 'ioredis';
import { ModuleError } from '@pypeline/sdk';
import { safeUrl } from './broker-url.js';
import type { BrokerLogger } from './broker-logger.js';

/**
 * Connects, failing the start with the fix when Redis does not answer; afterwards ioredis
 * reconnects and retries commands for as long as it takes (maxRetriesPerRequest: null).
 */
export async function connectRedis(url: string, log: BrokerLogger): Promise<Redis> {
  let lastError: Error | undefined;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  redis.on('error', (e: Error) => {
    lastError = e;
    log('warn', `redis ${safeUrl(url)}: ${e.message}`);
  });
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    const why = (lastError ?? (e as Error)).message;
    const auth = /NOAUTH|WRONGPASS|AUTH/i.test(why);
    const fix = auth ? 'check the password in url' : 'start Redis (redis-server), or set url to where it runs';
    throw new ModuleError(`cannot connect to Redis at ${safeUrl(url)} (${why}): ${fix}`, { retryable: !auth, cause: e });
  }
  return redis;
}

/**
 * Closes a connection now. WARNING: ioredis arms a 2 s timer on each disconnect() that only the
 * socket closing clears, so a second call on a closed connection keeps the process alive.
 */
export function releaseRedis(redis: Redis | undefined): void {
  if (redis && redis.status !== 'end' && redis.status !== 'close') redis.disconnect();
}
