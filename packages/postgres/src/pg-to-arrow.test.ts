import { Bool, DateDay, Field, Float64, Int32, Int64, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { pgTypeOf, textFormatter } from './arrow-to-pg.js';
import { parseDate, parseTimestamp, readerFor } from './pg-to-arrow.js';

describe('PostgreSQL text to Arrow', () => {
  it('maps type OIDs to Arrow types, text for the rest', () => {
    expect([16, 20, 23, 701, 1700, 1082, 1114, 1184, 2950].map((oid) => String(readerFor(oid).type))).toEqual([
      'Bool', 'Int64', 'Int32', 'Float64', 'Float64', 'Date32<DAY>', 'Timestamp<MILLISECOND>', 'Timestamp<MILLISECOND, UTC>', 'Utf8',
    ]);
    expect(readerFor(20).parse('9007199254740993')).toBe(9007199254740993n);
    expect(readerFor(16).parse('t')).toBe(true);
  });

  it('parses dates and timestamps as epoch ms, with offsets, BC years and infinity', () => {
    expect(parseDate('2024-01-31')).toBe(Date.UTC(2024, 0, 31));
    expect(parseDate('0044-03-15 BC')).toBe(new Date('-000043-03-15T00:00:00Z').getTime());
    expect(parseDate('infinity')).toBeNull();
    expect(parseTimestamp('2024-01-31 10:00:00.123456')).toBe(Date.UTC(2024, 0, 31, 10, 0, 0, 123));
    expect(parseTimestamp('2024-01-31 10:00:00+00')).toBe(Date.UTC(2024, 0, 31, 10));
    expect(parseTimestamp('2024-01-31 10:00:00+05:30')).toBe(Date.UTC(2024, 0, 31, 4, 30));
    expect(parseTimestamp('-infinity')).toBeNull();
  });
});

describe('Arrow to PostgreSQL text', () => {
  it('chooses column types; every timestamp is an instant (no zone means UTC), so timestamptz', () => {
    expect([new Int32(), new Int64(), new Float64(), new Bool(), new Utf8(), new DateDay(), new TimestampMillisecond(), new TimestampMillisecond('UTC')].map(pgTypeOf)).toEqual([
      'integer', 'bigint', 'double precision', 'boolean', 'text', 'date', 'timestamptz', 'timestamptz',
    ]);
  });

  it('formats values as input text', () => {
    const f = (type: any) => textFormatter(new Field('x', type));
    expect(f(new DateDay())(Date.UTC(2024, 0, 31))).toBe('2024-01-31');
    expect(f(new TimestampMillisecond())(Date.UTC(2024, 0, 31, 10))).toBe('2024-01-31T10:00:00.000Z');
    expect(f(new Bool())(false)).toBe('f');
    expect(f(new Int64())(12n)).toBe('12');
    expect(f(new Utf8())(null)).toBeNull();
  });
});
