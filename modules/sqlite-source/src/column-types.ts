import { Binary, Bool, DateDay, Float64, Int64, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import { parseBoolean, parseInt64, parseNumber, parseTime } from '@pypeline/sdk';
import type { SqliteColumnType } from './config.js';

const DAY_MS = 86_400_000;

/** The Arrow type of a column type (timestamps as the file sources read them). */
export function arrowType(type: SqliteColumnType): DataType {
  switch (type) {
    case 'utf8': return new Utf8();
    case 'float64': return new Float64();
    case 'int64': return new Int64();
    case 'boolean': return new Bool();
    case 'date': return new DateDay();
    case 'timestamp': return new TimestampMillisecond('UTC');
    case 'binary': return new Binary();
  }
}

/**
 * The column type a declared type stands for. Names SQLite gives no affinity of their own but
 * every tool writes (BOOLEAN, DATE, DATETIME, TIMESTAMP, TIME) come first; then SQLite's
 * affinity rules in their order: INT → int64; CHAR, CLOB, TEXT → utf8; BLOB → binary; REAL,
 * FLOA, DOUB → float64; anything else (NUMERIC, DECIMAL(p,s)) → float64. Undefined for a column
 * without a declared type (an expression), whose type comes from its values.
 */
export function declaredType(declared: string | null): SqliteColumnType | undefined {
  if (!declared) return undefined;
  const t = declared.toUpperCase();
  if (/^(BOOL|BOOLEAN)\b/.test(t)) return 'boolean';
  if (/^DATE$/.test(t)) return 'date';
  if (/^(DATETIME|TIMESTAMP)/.test(t)) return 'timestamp';
  if (/^TIME\b/.test(t)) return 'utf8';
  if (t.includes('INT')) return 'int64';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'utf8';
  if (t.includes('BLOB')) return 'binary';
  return 'float64';
}

/** The type of an expression column from its sampled values: all integers int64, numbers float64, blobs binary, else utf8. */
export function valuesType(values: Iterable<unknown>): SqliteColumnType {
  let found: SqliteColumnType | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const type: SqliteColumnType = typeof v === 'bigint' ? 'int64' : typeof v === 'number' ? 'float64' : Buffer.isBuffer(v) ? 'binary' : 'utf8';
    if (found === undefined || found === type) found = type;
    else if ((found === 'int64' && type === 'float64') || (found === 'float64' && type === 'int64')) found = 'float64';
    else return 'utf8';
  }
  return found ?? 'utf8';
}

/** A value the column's Arrow builder takes, or undefined when the stored value does not fit the type. */
export type Convert = (value: unknown) => unknown;

/**
 * How a stored value (integers arrive as BigInt, exact) becomes one of `type`. SQLite keeps any
 * value in any column, so each type takes its own kind and text that reads as one (the sdk's
 * parsers); dates and timestamps are text (`2024-01-31`, `2024-01-31 08:30:00`, ISO 8601), as
 * SQLite's date functions write them.
 */
export function converter(type: SqliteColumnType): Convert {
  switch (type) {
    case 'utf8':
      return (v) => (Buffer.isBuffer(v) ? undefined : String(v));
    case 'float64':
      return (v) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? (parseNumber(v) ?? undefined) : undefined);
    case 'int64':
      return (v) => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : typeof v === 'string' ? (parseInt64(v) ?? undefined) : undefined);
    case 'boolean':
      return (v) => (v === 0n || v === 1n || v === 0 || v === 1 ? Number(v) === 1 : typeof v === 'string' ? (parseBoolean(v) ?? undefined) : undefined);
    case 'date':
      return (v) => {
        const ms = typeof v === 'string' ? parseTime(v) : null;
        return ms === null ? undefined : Math.floor(ms / DAY_MS) * DAY_MS;
      };
    case 'timestamp':
      return (v) => (typeof v === 'string' ? (parseTime(v) ?? undefined) : undefined);
    case 'binary':
      return (v) => (Buffer.isBuffer(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : typeof v === 'string' ? new Uint8Array(Buffer.from(v)) : undefined);
  }
}
