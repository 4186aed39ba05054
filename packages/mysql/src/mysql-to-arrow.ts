import {
  Binary, Bool, DateDay, Decimal, Float32, Float64, Int16, Int32, Int64, Int8, TimeMicrosecond, TimestampMicrosecond, Uint16, Uint32, Uint64, Uint8, Utf8,
  type DataType,
} from 'apache-arrow';
import type { FieldPacket } from 'mysql2';
import { daysFromCivil, ModuleError } from '@pypeline/sdk';
import { decimalWords } from './decimal-words.js';

/** MySQL protocol column types (mysql2's `Types`), and the column flags read here. */
const T = {
  DECIMAL: 0x00, TINY: 0x01, SHORT: 0x02, LONG: 0x03, FLOAT: 0x04, DOUBLE: 0x05, NULL: 0x06, TIMESTAMP: 0x07, LONGLONG: 0x08, INT24: 0x09,
  DATE: 0x0a, TIME: 0x0b, DATETIME: 0x0c, YEAR: 0x0d, NEWDATE: 0x0e, BIT: 0x10, JSON: 0xf5, NEWDECIMAL: 0xf6,
} as const;
const UNSIGNED = 32;
const BINARY_CHARSET = 63;

/**
 * A result column: its Arrow type and how one value as mysql2 gives it (with connect()'s options:
 * numbers, text for BIGINT/DECIMAL/dates/times/JSON, Buffer for binary) becomes a builder value.
 * `storage` is the type the builder fills when it differs from `type` (the values are then
 * reinterpreted, e.g. Int64 microseconds as a Timestamp).
 */
export interface ColumnReader {
  type: DataType;
  storage?: DataType;
  parse(value: unknown): unknown;
}

const asNumber = (v: unknown) => Number(v);
const asBigInt = (v: unknown) => BigInt(v as string);

/**
 * How a MySQL/MariaDB column becomes an Arrow column. Exact where JS numbers are not: BIGINT
 * (UNSIGNED too) is Int64/Uint64, DECIMAL(p, s) is Decimal(p, s) (256 bits past 38 digits).
 * TINYINT(1) (BOOL) and BIT(1) are Bool; BIT(n) is Uint64. DATETIME is a zone-less Timestamp (µs),
 * TIMESTAMP a UTC one (the session runs in UTC); TIME a time of day (µs); YEAR Int16. Text, ENUM, SET
 * and JSON are Utf8; BLOB/BINARY Binary.
 */
export function readerFor(field: FieldPacket): ColumnReader {
  const unsigned = (Number(field.flags) & UNSIGNED) !== 0;
  const length = field.columnLength ?? 0;
  switch (field.columnType) {
    case T.TINY:
      if (length === 1) return { type: new Bool(), parse: (v) => Number(v) !== 0 };
      return { type: unsigned ? new Uint8() : new Int8(), parse: asNumber };
    case T.SHORT: return { type: unsigned ? new Uint16() : new Int16(), parse: asNumber };
    case T.INT24: return { type: new Int32(), parse: asNumber };
    case T.LONG: return { type: unsigned ? new Uint32() : new Int32(), parse: asNumber };
    case T.LONGLONG: return { type: unsigned ? new Uint64() : new Int64(), parse: asBigInt };
    case T.YEAR: return { type: new Int16(), parse: asNumber };
    case T.FLOAT: return { type: new Float32(), parse: asNumber };
    case T.DOUBLE: return { type: new Float64(), parse: asNumber };
    case T.DECIMAL:
    case T.NEWDECIMAL: return decimalReader(field, unsigned);
    case T.DATE:
    case T.NEWDATE: return { type: new DateDay(), parse: (v) => parseDate(String(v)) };
    case T.DATETIME: return { type: new TimestampMicrosecond(), storage: new Int64(), parse: (v) => parseDateTime(String(v)) };
    case T.TIMESTAMP: return { type: new TimestampMicrosecond('UTC'), storage: new Int64(), parse: (v) => parseDateTime(String(v)) };
    case T.TIME: return { type: new TimeMicrosecond(), parse: (v) => parseTimeOfDay(String(v), field.name) };
    case T.BIT:
      if (length === 1) return { type: new Bool(), parse: (v) => bitsOf(v) !== 0n };
      return { type: new Uint64(), parse: bitsOf };
    default:
      if (field.characterSet === BINARY_CHARSET && field.columnType !== T.JSON && field.extendedFormat !== 'json') {
        return { type: new Binary(), parse: (v) => (Buffer.isBuffer(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(String(v))) };
      }
      return { type: new Utf8(), parse: (v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)) };
  }
}

function decimalReader(field: FieldPacket, unsigned: boolean): ColumnReader {
  const scale = field.decimals;
  // columnLength counts the digits, the point when there is a scale, and a sign unless UNSIGNED.
  const precision = Math.max(1, scale, (field.columnLength ?? 65) - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1));
  const bitWidth = precision > 38 ? 256 : 128;
  return { type: new Decimal(scale, precision, bitWidth), parse: (v) => decimalWords(String(v), scale, bitWidth) };
}

const DATE = /^(\d{4})-(\d\d)-(\d\d)/;
const DATETIME = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;
const TIME = /^(-)?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;
const DAY_US = 86_400_000_000n;

/** `2024-01-31` as epoch ms (what Arrow's DateDay builder takes); MySQL's zero date `0000-00-00` is null. */
export function parseDate(text: string): number | null {
  const m = DATE.exec(text);
  if (!m || Number(m[2]) === 0 || Number(m[3]) === 0) return null;
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) * 86_400_000;
}

/** `2024-01-31 10:00:00.123456` as epoch microseconds, read as UTC; the zero date is null. */
export function parseDateTime(text: string): bigint | null {
  const m = DATETIME.exec(text);
  if (!m || Number(m[2]) === 0 || Number(m[3]) === 0) return null;
  const days = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
  const seconds = BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]));
  return days * DAY_US + seconds * 1_000_000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}

/**
 * `12:34:56.5` as microseconds since midnight. MySQL's TIME also holds durations (-838:59:59 to
 * 838:59:59); a value outside one day has no time of day, so it fails with the way around it.
 */
export function parseTimeOfDay(text: string, column: string): bigint {
  const m = TIME.exec(text);
  const us = m ? BigInt((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4])) * 1_000_000n + BigInt((m[5] ?? '').padEnd(6, '0')) : -1n;
  if (!m || m[1] || us >= DAY_US) {
    throw new ModuleError(`TIME value "${text}" of column "${column}" is not a time of day (00:00:00 to 23:59:59.999999)`, {
      retryable: false,
      hint: `select it as TIME_TO_SEC(${column}) for a duration in seconds, or CAST(${column} AS CHAR) for text`,
    });
  }
  return us;
}

function bitsOf(value: unknown): bigint {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}
