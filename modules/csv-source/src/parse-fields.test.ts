import { parseBoolean, parseInt64, parseNumber, parseTime } from '@pypeline/sdk';
import { describe, expect, it } from 'vitest';
import { parsed, readBool, readDate, readFloat64, readInt32, readInt64, readTimestamp } from './parse-fields.js';

// csv_source keeps its byte-level readers for speed; they must read every value they accept as the
// shared parser of @pypeline/sdk reads it (select_mod casts, expressions and streams use that one),
// so the rules cannot drift. Where a reader is stricter (inference), the test says so.

const bytes = (text: string) => new TextEncoder().encode(text);
/** The reader's value when it reads the whole text, else undefined. */
function read<T>(reader: (b: Uint8Array, s: number, e: number) => number, text: string, value: () => T): T | undefined {
  const b = bytes(text);
  return reader(b, 0, b.length) === b.length ? value() : undefined;
}
const int64 = () => BigInt.asIntN(64, (BigInt(parsed.hi) << 32n) | BigInt(parsed.value >>> 0));
const DAY_MS = 86_400_000;

const NUMBERS = [
  '0', '-0', '42', '+7', '007', '2147483647', '2147483648', '-2147483648', '-2147483649', '9007199254740993', '123456789012345678',
  '9223372036854775807', '-9223372036854775808', '9223372036854775808', '1.5', '-1.5e3', '1E-7', '.5', '+.5', '5.', '0.1', '1e22', '1e23',
  '123456789.123456789', '1e308', '1e309', '1e', '1e+', 'e5', '.', '-', '', 'abc', '0x10', '1_000', '1,5', 'Infinity', 'NaN', '1.2.3',
];
const DATES = ['2024-01-31', '2024-02-29', '2023-02-29', '2000-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '1900-01-01', '1969-12-31', '2199-12-31', '0001-01-01', '9999-12-31', '2024-1-05', '2024/01/31', 'yesterday'];
const TIMESTAMPS = [
  '2024-01-31 08:30:00', '2024-01-31T08:30:00', '2024-01-31T08:30:00Z', '2024-01-31T08:30:00+02:00', '2024-01-31 08:30:00-0530', '2024-01-31T08:30',
  '2024-01-31 08:30:00.123456', '2024-01-31t08:30:00.5z', '1969-12-31 23:59:59.999', '2024-01-31 24:00:00', '2024-01-31T08:30:00+25:00', '2024-01-31 08:30:00 UTC',
];
const BOOLEANS = ['true', 'TRUE', 'False', 'fAlSe', 't', 'f', 'yes', 'no', 'y', 'n', '1', '0', 'tru', 'falsey', ''];

describe('csv_source\'s byte readers agree with the shared parser', () => {
  it('numbers: a float is accepted exactly when the shared parser accepts it, with the same value', () => {
    for (const text of NUMBERS) expect(read(readFloat64, text, () => parsed.value), text).toBe(parseNumber(text) ?? undefined);
  });

  it('integers: what int32 and int64 accept is the shared integer, in range', () => {
    for (const text of NUMBERS) {
      const exact = parseInt64(text);
      expect(read(readInt64, text, int64), text).toBe(exact ?? undefined);
      const fits = exact !== null && exact >= -(2n ** 31n) && exact < 2n ** 31n;
      // + 0: an int32 column stores -0 as 0
      expect(read(readInt32, text, () => parsed.value + 0), text).toBe(fits ? Number(exact) : undefined);
    }
  });

  it('dates: YYYY-MM-DD is read as the shared parser reads it (UTC midnight)', () => {
    for (const text of DATES) {
      const ms = parseTime(text);
      expect(read(readDate, text, () => parsed.value * DAY_MS), text).toBe(/^\d{4}-\d{2}-\d{2}$/.test(text) && ms !== null ? ms : undefined);
    }
  });

  it('booleans: true/false, t/f, yes/no in any case (DuckDB\'s sniffer) as the shared parser reads them; not 0/1 (integers) nor y/n', () => {
    for (const text of BOOLEANS) {
      const value = read(readBool, text, () => parsed.value === 1);
      if (value !== undefined) expect(value, text).toBe(parseBoolean(text));
      expect(value !== undefined, text).toBe(/^(true|false|t|f|yes|no)$/i.test(text));
    }
  });

  it('timestamps: ISO 8601 date-times with or without a zone, read by the shared parser (zone-less = UTC)', () => {
    for (const text of [...DATES, ...TIMESTAMPS]) {
      const ms = parseTime(text);
      expect(read(readTimestamp, text, int64), text).toBe(ms === null ? undefined : BigInt(ms));
    }
  });
});
