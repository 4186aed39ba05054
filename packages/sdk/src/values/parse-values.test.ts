import { describe, expect, it } from 'vitest';
import { parseBoolean, parseInt64, parseNumber, parseTime } from './parse-values.js';

describe('parseTime', () => {
  it.each([
    ['2024-01-31', Date.UTC(2024, 0, 31)],
    ['2024-01-31T08:30', Date.UTC(2024, 0, 31, 8, 30)],
    ['2024-01-31 08:30:15.250', Date.UTC(2024, 0, 31, 8, 30, 15, 250)],
    ['2024-01-31t08:30:15.2509z', Date.UTC(2024, 0, 31, 8, 30, 15, 250)],
    ['2024-01-31T08:30:00Z', Date.UTC(2024, 0, 31, 8, 30)],
    ['2024-01-31T08:30:00+02:00', Date.UTC(2024, 0, 31, 6, 30)],
    ['2024-01-31T08:30:00-0130', Date.UTC(2024, 0, 31, 10, 0)],
    ['2024-01-31 08:30:00 +02', Date.UTC(2024, 0, 31, 6, 30)],
    [' 2024-02-29 ', Date.UTC(2024, 1, 29)],
    ['1969-12-31T23:59:59.5', -500],
    ['0001-01-01', -62135596800000],
    ['0004-02-29', -62035891200000],
  ])('%s', (text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });

  it('reads a time without a zone as UTC, whatever the host zone', () => {
    // Date.parse would read this as local time; the shared rule never does.
    expect(parseTime('2024-07-01T12:00:00')).toBe(Date.UTC(2024, 6, 1, 12));
  });

  it('refuses what is not an ISO date or time', () => {
    for (const bad of ['2023-02-29', '1900-02-29', '0100-02-29', '2024-13-01', '2024-1-5', 'yesterday', '2024-01-31T25:00', '2024-01-31T10:00+25:00', '31/01/2024', '', '1706659200000']) {
      expect(parseTime(bad), bad).toBeNull();
    }
  });
});

describe('parseBoolean', () => {
  it('reads true/t/yes/y/1 and false/f/no/n/0 in any case, nothing else', () => {
    for (const t of ['true', 'T', 'Yes', 'y', '1', ' TRUE ']) expect(parseBoolean(t), t).toBe(true);
    for (const f of ['false', 'F', 'NO', 'n', '0', ' False ']) expect(parseBoolean(f), f).toBe(false);
    for (const bad of ['', 'on', 'off', '2', 'yes please', 'null']) expect(parseBoolean(bad), bad).toBeNull();
  });
});

describe('parseNumber and parseInt64', () => {
  it('reads decimal text only', () => {
    expect([' 42 ', '-1.5e3', '+.5', '7.', '1E-2'].map(parseNumber)).toEqual([42, -1500, 0.5, 7, 0.01]);
    for (const bad of ['', ' ', '0x10', 'Infinity', 'NaN', '1,5', '1e', '--1']) expect(parseNumber(bad), bad).toBeNull();
  });

  it('keeps every digit of a 64-bit integer and refuses one out of range', () => {
    expect(parseInt64('9007199254740993')).toBe(9007199254740993n);
    expect(parseInt64('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(parseInt64('9223372036854775808')).toBeNull();
    expect(parseInt64('1.0')).toBeNull();
  });
});
