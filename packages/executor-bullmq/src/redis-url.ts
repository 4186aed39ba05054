import { PypeError } from '@pypeline/core';

/** The connection options BullMQ and ioredis take, read from a `redis://` URL. */
export interface RedisAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
export function parseRedisUrl(url: string): RedisAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PypeError(`--redis ${url}: not a URL`, { hint: 'write it as redis://host:6379 (or rediss:// for TLS, redis://:password@host:6379/0)' });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new PypeError(`--redis ${safeRedisUrl(url)}: expected a redis:// or rediss:// URL`, { hint: 'e.g. --redis redis://127.0.0.1:6379' });
  }
  const db = u.pathname.replace(/^\//, '');
  if (db && !/^\d+$/.test(db)) throw new PypeError(`--redis ${safeRedisUrl(url)}: the database must be a number (/0, /1, ...)`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The URL with its password masked, for messages and logs. */
export function safeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}
