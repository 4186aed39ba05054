import { sleep } from '@pypeline/sdk';

/**
 * Spaces request starts at least `1000 / perSecond` ms apart (no bursts), across every caller
 * sharing the limiter. `perSecond` 0 or less: no limit.
 */
export class RateLimiter {
  private next = 0;
  constructor(private readonly perSecond: number, private readonly now: () => number = Date.now) {}

  /** Resolves when the caller may start its request (at once when `signal` aborts). */
  async take(signal?: AbortSignal): Promise<void> {
    if (!(this.perSecond > 0)) return;
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now, signal);
  }
}
