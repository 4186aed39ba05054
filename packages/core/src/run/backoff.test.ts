import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  it('doubles per attempt, is capped, and jitters within the upper half of each step', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, () => 1))).toEqual([200, 400, 800, 1600]);
    expect([1, 2, 3, 4].map((a) => backoffMs(a, () => 0))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(20, () => 1)).toBe(5000);
    const samples = new Set(Array.from({ length: 50 }, () => backoffMs(3)));
    expect(samples.size).toBeGreaterThan(5);
    for (const s of samples) {
      expect(s).toBeGreaterThanOrEqual(400);
      expect(s).toBeLessThanOrEqual(800);
    }
  });
});
