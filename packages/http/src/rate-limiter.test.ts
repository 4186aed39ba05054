import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  afterEach(() => vi.useRealTimers());

  it('spaces request starts 1/perSecond apart, across callers', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new RateLimiter(4);
    const started: number[] = [];
    const all = [1, 2, 3].map(() => limiter.take().then(() => started.push(Date.now())));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(started).toEqual([0, 250, 500]);
  });

  it('0 is no limit', async () => {
    const limiter = new RateLimiter(0);
    await Promise.all(Array.from({ length: 100 }, () => limiter.take()));
  });
});
