import { Bool, DateDay, Float64, Int64, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import { parseTime } from '@pypeline/sdk';
import { stringify } from 'lossless-json';

/**
 * The column kinds a JSON value sample is typed as; objects and arrays are kept as JSON text.
 * Whole numbers are int64 (DuckDB's BIGINT), exact past 2^53 (see `parseJsonText`); strings
 * that are all ISO 8601 dates or date-times become dates or timestamps.
 */
export type JsonKind = 'int64' | 'float64' | 'boolean' | 'date' | 'timestamp' | 'utf8';

export const KIND_LABELS: Record<JsonKind, string> = {
  int64: 'a 64-bit integer',
  float64: 'a number',
  boolean: 'true or false',
  date: 'a YYYY-MM-DD date',
  timestamp: 'an ISO 8601 date-time',
  utf8: 'text',
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The narrowest kind every non-null sample value fits; a column with only nulls is text. */
export function inferKind(values: Iterable<unknown>): JsonKind {
  let kind: JsonKind | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k = kindOf(v);
    kind = kind === null ? k : widen(kind, k);
    if (kind === 'utf8') return kind;
  }
  return kind ?? 'utf8';
}

/** The kind that holds values of both kinds: integers widen to numbers, dates to timestamps, anything else to text. */
function widen(a: JsonKind, b: JsonKind): JsonKind {
  if (a === b) return a;
  const pair = new Set([a, b]);
  if (pair.has('int64') && pair.has('float64')) return 'float64';
  if (pair.has('date') && pair.has('timestamp')) return 'timestamp';
  return 'utf8';
}

function kindOf(v: unknown): JsonKind {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? 'int64' : 'float64';
  // A JSON number that JSON.parse read exactly: whole numbers up to 15 digits (longer ones arrive as bigint).
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'string') {
    if (DATE.test(v) && parseTime(v) !== null) return 'date';
    if (v.length > 10 && parseTime(v) !== null) return 'timestamp';
  }
  return 'utf8';
}

export function arrowTypeOf(kind: JsonKind): DataType {
  switch (kind) {
    case 'int64': return new Int64();
    case 'float64': return new Float64();
    case 'boolean': return new Bool();
    case 'date': return new DateDay();
    // An instant: a zone-less value is UTC (the SDK's value rule), so the column says UTC.
    case 'timestamp': return new TimestampMillisecond('UTC');
    case 'utf8': return new Utf8();
  }
}

/** Sentinel for a value that does not fit the column's kind. */
export const MISFIT: unique symbol = Symbol('misfit');

/** The value as the builder of `kind` takes it; text columns hold strings as they are and anything else as JSON. */
export function convert(kind: JsonKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const k = kindOf(v);
  if (k !== kind && widen(kind, k) !== kind) return MISFIT;
  switch (kind) {
    case 'int64':
      return BigInt(v as number | bigint);
    case 'float64':
      return Number(v);
    case 'boolean':
      return v;
    case 'date':
    case 'timestamp':
      return parseTime(v as string);
    case 'utf8':
      return typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : stringify(v);
  }
}

/** The narrowest kind `v` alone is, for the hint of a value that does not fit its column. */
export function widenFor(kind: JsonKind, v: unknown): JsonKind {
  return widen(kind, kindOf(v));
}
