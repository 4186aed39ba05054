import { Bool, DateDay, Float32, Float64, Int16, Int32, Int64, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';

/** PostgreSQL type OIDs (pg_type.oid) the source maps to Arrow types; others arrive as text. */
const OID = { bool: 16, int8: 20, int2: 21, int4: 23, oid: 26, float4: 700, float8: 701, date: 1082, timestamp: 1114, timestamptz: 1184, numeric: 1700 } as const;

/** A result column: its Arrow type and how one text value from the server becomes a builder value. */
export interface ColumnReader {
  type: DataType;
  parse(text: string): unknown;
}

/**
 * How a PostgreSQL column type becomes an Arrow column. numeric becomes Float64 (exact to about
 * 15 digits); types without an Arrow counterpart (uuid, json, interval, arrays, ...) stay text.
 */
export function readerFor(oid: number): ColumnReader {
  switch (oid) {
    case OID.bool: return { type: new Bool(), parse: (t) => t === 't' };
    case OID.int2: return { type: new Int16(), parse: Number };
    case OID.int4: return { type: new Int32(), parse: Number };
    case OID.int8:
    case OID.oid: return { type: new Int64(), parse: (t) => BigInt(t) };
    case OID.float4: return { type: new Float32(), parse: Number };
    case OID.float8:
    case OID.numeric: return { type: new Float64(), parse: Number };
    case OID.date: return { type: new DateDay(), parse: parseDate };
    case OID.timestamp: return { type: new TimestampMillisecond(), parse: parseTimestamp };
    case OID.timestamptz: return { type: new TimestampMillisecond('UTC'), parse: parseTimestamp };
    default: return { type: new Utf8(), parse: (t) => t };
  }
}

const DATE = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;
const TIMESTAMP = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-]\d\d(?::?\d\d(?::?\d\d)?)?)?( BC)?$/;

/** `2024-01-31` as epoch ms; `infinity` and other non-dates become null. */
export function parseDate(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  return utc(year(m[1], m[4]), Number(m[2]) - 1, Number(m[3]), 0, 0, 0, 0);
}

/**
 * `2024-01-31 10:00:00.123456` or, for timestamptz in a UTC session, `...+00` as epoch ms
 * (sub-millisecond digits are dropped); `infinity` becomes null.
 */
export function parseTimestamp(text: string): number | null {
  const m = TIMESTAMP.exec(text);
  if (!m) return null;
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return utc(year(m[1], m[9]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms) - offsetMs(m[8]);
}

/** PostgreSQL has no year 0: 1 BC is astronomical year 0. */
function year(digits: string, bc: string | undefined): number {
  return bc ? 1 - Number(digits) : Number(digits);
}

// Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const date = new Date(Date.UTC(2000, mo, d, h, mi, s, ms));
  date.setUTCFullYear(y);
  return date.getTime();
}

function offsetMs(zone: string | undefined): number {
  if (!zone) return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const [h, m = '0', s = '0'] = zone.slice(1).split(':').length > 1 ? zone.slice(1).split(':') : [zone.slice(1, 3), zone.slice(3, 5) || '0', zone.slice(5, 7) || '0'];
  return sign * ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}
