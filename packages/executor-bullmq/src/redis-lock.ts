import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { PypeError } from '@pypeline/core';
import { sleep, errorMessage } from '@pypeline/sdk';
import { lockKey } from './queue-names.js';

// Renew and release only while the key still holds our token: a lease that expired and was
// taken by someone else must never be extended or deleted by its former holder.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LockOptions {
  /** How long the lock outlives a holder that stops renewing it (crash, SIGKILL). Default 30 s. */
  leaseMs?: number;
  /** How often a waiter tries again. Default 200 ms (with jitter). */
  retryMs?: number;
  /** Who holds it, shown to waiters. Default `host:pid`. */
  holder?: string;
  signal?: AbortSignal;
  /** Called once when the lock is busy, with who holds it. */
  onWait?: (resource: string, heldBy: string) => void;
}

/** A held lock: renewed in the background until released; `lost` aborts if renewal fails. */
export interface Lease {
  resource: string;
  lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * A Redis lock with a lease (SET NX PX, renewed at a third of the lease). If the holder dies,
 * the key expires after at most one lease and the next waiter takes it.
 */
export async function acquireLock(redis: Redis, resource: string, options: LockOptions = {}): Promise<Lease> {
  const leaseMs = options.leaseMs ?? 30_000;
  const retryMs = options.retryMs ?? 200;
  const token = JSON.stringify({ holder: options.holder ?? `${hostname()}:${process.pid}`, since: new Date().toISOString(), nonce: randomBytes(6).toString('hex') });
  const key = lockKey(resource);
  let told = false;
  while ((await redis.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') {
    if (options.signal?.aborted) throw options.signal.reason ?? new PypeError(`gave up waiting for the lock on ${resource}`);
    if (!told && options.onWait) {
      told = true;
      options.onWait(resource, holderOf(await redis.get(key)));
    }
    await sleep(retryMs * (0.5 + Math.random()), options.signal);
  }
  return holdLease(redis, resource, key, token, leaseMs);
}

function holdLease(redis: Redis, resource: string, key: string, token: string, leaseMs: number): Lease {
  const lost = new AbortController();
  const renew = async () => {
    try {
      if ((await redis.eval(RENEW, 1, key, token, String(leaseMs))) !== 1) lost.abort(new PypeError(`lost the exclusive lock on ${resource}: its lease expired and another holder may have taken it`));
    } catch (err) {
      lost.abort(new PypeError(`cannot renew the exclusive lock on ${resource}: ${errorMessage(err)}`));
    }
  };
  const timer = setInterval(() => void renew(), Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    resource,
    lost: lost.signal,
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token).catch(() => {});
    },
  };
}

/** Takes several locks in name order, so two tasks wanting the same set cannot deadlock. */
export async function acquireLocks(redis: Redis, resources: string[], options: LockOptions = {}): Promise<Lease[]> {
  const held: Lease[] = [];
  try {
    for (const r of [...new Set(resources)].sort()) held.push(await acquireLock(redis, r, options));
    return held;
  } catch (err) {
    await releaseAll(held);
    throw err;
  }
}

export async function releaseAll(leases: Lease[]): Promise<void> {
  await Promise.all(leases.map((l) => l.release()));
}

function holderOf(value: string | null): string {
  if (!value) return 'nobody (just released)';
  try {
    const v = JSON.parse(value);
    return `${v.holder} since ${v.since}`;
  } catch {
    return value;
  }
}
