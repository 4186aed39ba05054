import { describe, expect, it } from 'vitest';
import { parseIsoTime } from './parse-iso-time.js';

describe('parseIsoTime', () => {
  it.each([
    ['2024-01-31', Date.UTC(2024, 0, 31)],
    ['2024-01-31T08:30', Date.UTC(2024, 0, 31, 8, 30)],
    ['2024-01-31 08:30:15.250', Date.UTC(2024, 0, 31, 8, 30, 15, 250)],
    ['2024-01-31T08:30:00Z', Date.UTC(2024, 0, 31, 8, 30)],
    ['2024-01-31T08:30:00+02:00', Date.UTC(2024, 0, 31, 6, 30)],
    ['2024-01-31T08:30:00-0130', Date.UTC(2024, 0, 31, 10, 0)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('%s', (text, ms) => {
    expect(parseIsoTime(text)).toBe(ms);
  });

  it('rejects what is not an ISO date', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-5', 'yesterday', '2024-01-31T25:00', '31/01/2024']) {
      expect(parseIsoTime(bad)).toBeNull();
    }
  });
});
