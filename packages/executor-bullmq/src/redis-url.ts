import { PypeError } from '@pypeline/core';
import { backoffMs } from '@pypeline/sdk';

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

/** `host:port` of a Redis URL, for messages. */
export function redisHost(url: string): string {
  const { host, port } = parseRedisUrl(url);
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The options every long-lived connection (BullMQ's and PYpeline's) takes: reconnect every
 * 0.25–2 s while Redis is away, so work resumes soon after it returns (BullMQ's own default
 * backs off to 20 s).
 */
export function redisConnection(url: string): RedisAddress & { retryStrategy: (times: number) => number } {
  return { ...parseRedisUrl(url), retryStrategy: (times) => backoffMs(times, { initialMs: 250, maxMs: 2000 }) };
}
