import { describe, expect, it } from 'vitest';
import { assignWindows, session, sliding, tumbling } from './windows.js';
import { toMs } from './duration.js';

describe('window assignment', () => {
  it('puts an event in exactly one tumbling window, aligned to the epoch (and an offset)', () => {
    expect(assignWindows(tumbling('10s'), 12_345)).toEqual([{ start: 10_000, end: 20_000 }]);
    expect(assignWindows(tumbling('10s'), 10_000)).toEqual([{ start: 10_000, end: 20_000 }]);
    expect(assignWindows(tumbling('10s'), 9_999)).toEqual([{ start: 0, end: 10_000 }]);
    expect(assignWindows(tumbling(10_000, { offset: 3000 }), 12_345)).toEqual([{ start: 3000, end: 13_000 }]);
    expect(assignWindows(tumbling('10s'), -1)).toEqual([{ start: -10_000, end: 0 }]);
  });

  it('puts an event in size/slide sliding windows', () => {
    expect(assignWindows(sliding('10s', '5s'), 12_000)).toEqual([{ start: 5000, end: 15_000 }, { start: 10_000, end: 20_000 }]);
    expect(assignWindows(sliding('3s', '1s'), 5_500)).toEqual([{ start: 3000, end: 6000 }, { start: 4000, end: 7000 }, { start: 5000, end: 8000 }]);
  });

  it('gives a session proto-window of one gap', () => {
    expect(assignWindows(session('30s'), 1000)).toEqual([{ start: 1000, end: 31_000 }]);
  });

  it('refuses bad specs with a reason', () => {
    expect(() => tumbling(0)).toThrow(/greater than 0/);
    expect(() => sliding('5s', '10s')).toThrow(/slide .* is larger than its size/);
    expect(() => tumbling('ten seconds')).toThrow(/"ten seconds" is not a duration/);
    expect(toMs('1.5s')).toBe(1500);
    expect(toMs('2m')).toBe(120_000);
  });
});
