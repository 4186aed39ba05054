import { Redis } from 'ioredis';
import { formatMs, PypeError } from '@pypeline/core';
import { redisConnection, redisHost } from './redis-url.js';

/** Error codes and messages of a connection that cannot reach Redis (as opposed to a command Redis refused). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);
const CONNECTION_MESSAGE = /Connection is closed|Stream isn't writeable|connect ETIMEDOUT|Socket closed unexpectedly|max retries per request/i;

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return CONNECTION_CODES.has(e?.code ?? '') || CONNECTION_MESSAGE.test(e?.message ?? '');
}

export interface RedisOutageOptions {
  /** The Redis URL every watched connection uses. */
  redis: string;
  /** One line for a person (the coordinator's stderr, the worker's stdout). */
  report: (line: string) => void;
  /** Ends the "unreachable" line: what this process does meanwhile. */
  waiting: string;
  /** Give up after Redis has been down this long (ms); undefined waits for ever. */
  limitMs?: number;
  /** Ends the give-up error, e.g. the flag that sets the limit. */
  limitSource?: string;
  /** Called once when the limit is reached, with the error to stop on. */
  onGiveUp?: (error: PypeError) => void;
  /** Called each time Redis answers again after an outage. */
  onUp?: () => void;
  /** Errors that are not about reaching Redis (otherwise dropped). */
  onOtherError?: (error: Error) => void;
  /** Print every connection error with its stack (`--debug`). */
  debug?: boolean;
}

interface ErrorSource {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Tells a person about a Redis outage once: every connection BullMQ and PYpeline open reports
 * each failed reconnect (ioredis prints an unhandled one with its stack), so those errors come
 * here instead. A probe connection of its own decides when Redis is down and when it is back,
 * and, when a limit is set, when to give up.
 */
export class RedisOutage {
  private readonly probe: Redis;
  private readonly where: string;
  private downSince: number | undefined;
  private readies = 0;
  private limitTimer: NodeJS.Timeout | undefined;
  private upWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: RedisOutageOptions) {
    this.where = redisHost(options.redis);
    // Fails commands at once while disconnected: the probe only ever asks "are you there?".
    this.probe = new Redis({ ...redisConnection(options.redis), enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    this.probe.on('error', (err) => this.markDown(err));
    this.probe.on('ready', () => {
      this.readies++;
      this.markUp();
    });
  }

  /** True while Redis is unreachable. */
  get down(): boolean {
    return this.downSince !== undefined;
  }

  /**
   * How often the connection came back after it was lost: a task queued before the latest
   * return may have been lost with Redis's data (a restart without persistence).
   */
  get reconnects(): number {
    return Math.max(0, this.readies - 1);
  }

  /** Routes a connection's 'error' events here (a BullMQ Queue, Worker, QueueEvents or an ioredis client). */
  watch(source: ErrorSource): void {
    source.on('error', (err) => this.onError(err));
  }

  /** Resolves as soon as Redis answers again (at once when it is up). */
  whenUp(): Promise<void> {
    if (!this.down) return Promise.resolve();
    return new Promise((resolve) => this.upWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.limitTimer);
    this.probe.disconnect();
    for (const resolve of this.upWaiters.splice(0)) resolve();
  }

  private onError(err: Error): void {
    if (!isConnectionError(err)) {
      this.options.onOtherError?.(err);
      return;
    }
    if (this.options.debug) this.options.report(`(debug) Redis connection error: ${err.stack ?? err.message}`);
    // Another connection noticed first: the probe confirms once its own reconnect fails.
    if (this.probe.status !== 'ready') this.markDown(err);
  }

  private markDown(err: Error): void {
    if (this.closed || this.down) return;
    this.downSince = Date.now();
    const why = (err as { code?: string }).code ?? err.message;
    this.options.report(`! Redis at ${this.where} is unreachable (${why}); ${this.options.waiting}`);
    if (this.options.debug && err.stack) this.options.report(`(debug) ${err.stack}`);
    const { limitMs, onGiveUp } = this.options;
    if (limitMs === undefined || !onGiveUp) return;
    this.limitTimer = setTimeout(() => {
      onGiveUp(new PypeError(`Redis at ${this.where} has been unreachable for ${formatMs(Date.now() - this.downSince!)}, longer than the ${formatMs(limitMs)} a run waits for it${this.options.limitSource ? ` (${this.options.limitSource})` : ''}; the run stopped`, {
        hint: 'start Redis again (or point --redis at where it runs now) and resume the run: completed sub flows are kept, and loads that committed are not repeated',
      }));
    }, limitMs);
    this.limitTimer.unref();
  }

  private markUp(): void {
    if (this.closed || this.downSince === undefined) return;
    const after = Date.now() - this.downSince;
    this.downSince = undefined;
    clearTimeout(this.limitTimer);
    this.options.report(`✓ Redis at ${this.where} is back after ${formatMs(after)}; continuing`);
    for (const resolve of this.upWaiters.splice(0)) resolve();
    this.options.onUp?.();
  }
}

interface Closable {
  client: Promise<{ disconnect(): void }>;
  close(): Promise<void>;
}

/**
 * Closes BullMQ queues while Redis is away. A graceful close waits for Redis to answer, which it
 * cannot; the clients are dropped instead, and the close (which then may never settle: Queue's
 * does not) is left to finish on its own, holding no timer or socket that keeps the process up.
 */
export async function closeWhileDown(closables: Closable[]): Promise<void> {
  await Promise.all(closables.map(async (c) => {
    (await c.client).disconnect();
    void c.close().catch(() => {});
  }));
}
