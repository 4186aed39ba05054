import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  it('doubles per attempt, is capped, and jitters within the upper half of each step', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, { random: () => 1 }))).toEqual([200, 400, 800, 1600]);
    expect([1, 2, 3, 4].map((a) => backoffMs(a, { random: () => 0 }))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(20, { random: () => 1 })).toBe(5000);
    const samples = new Set(Array.from({ length: 50 }, () => backoffMs(3)));
    expect(samples.size).toBeGreaterThan(5);
    for (const s of samples) {
      expect(s).toBeGreaterThanOrEqual(400);
      expect(s).toBeLessThanOrEqual(800);
    }
  });

  it('takes its own first step and cap', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, { initialMs: 10, maxMs: 30, random: () => 1 }))).toEqual([10, 20, 30, 30]);
    expect(backoffMs(1, { initialMs: 10, random: () => 0.5 })).toBe(8);
  });
});
