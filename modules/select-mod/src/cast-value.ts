import { Bool, DataType, DateDay, Float64, Int32, Int64, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { parseBoolean, parseInt64, parseNumber, parseTime } from '@pypeline/sdk';
import type { CastType } from './config.js';

/** Returned when a value cannot be cast. */
export const INVALID: unique symbol = Symbol('invalid');

export const CAST_TYPES: Record<CastType, () => DataType> = {
  string: () => new Utf8(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  float64: () => new Float64(),
  boolean: () => new Bool(),
  date: () => new DateDay(),
  timestamp: () => new TimestampMillisecond(),
};

const DAY_MS = 86_400_000;

/**
 * Converts one value (as Arrow's getters return it: number, bigint, boolean, string, epoch ms
 * for dates and times) to the builder value of `to`; `fromType` tells a date/time from a number.
 * Text is trimmed; empty text becomes null. Returns INVALID when the value cannot be cast.
 */
export function castValue(v: unknown, to: CastType, fromType: DataType): unknown {
  if (v === null || v === undefined) return null;
  const temporal = DataType.isDate(fromType) || DataType.isTimestamp(fromType);
  if (typeof v === 'string') {
    const text = v.trim();
    if (text === '' && to !== 'string') return null;
    return fromText(text, v, to);
  }
  if (temporal) return fromInstant(Number(v), DataType.isDate(fromType), to);
  if (typeof v === 'boolean') return to === 'string' ? String(v) : to === 'boolean' ? v : to === 'int64' ? BigInt(v) : to === 'date' || to === 'timestamp' ? INVALID : Number(v);
  if (typeof v === 'number' || typeof v === 'bigint') return fromNumber(v, to);
  return to === 'string' ? JSON.stringify(v) : INVALID;
}

function fromText(text: string, raw: string, to: CastType): unknown {
  switch (to) {
    case 'string': return raw;
    case 'boolean': return parseBoolean(text) ?? INVALID;
    case 'date':
    case 'timestamp': {
      const ms = parseTime(text);
      if (ms === null) return INVALID;
      return to === 'date' ? Math.floor(ms / DAY_MS) * DAY_MS : ms;
    }
    case 'int64': {
      // Integer text keeps its exact digits, beyond 2^53 too.
      const exact = parseInt64(text);
      if (exact !== null) return exact;
      break;
    }
  }
  const n = parseNumber(text);
  return n === null ? INVALID : fromNumber(n, to);
}

function fromNumber(v: number | bigint, to: CastType): unknown {
  switch (to) {
    case 'string': return String(v);
    case 'float64': return Number(v);
    case 'boolean': return Number(v) !== 0;
    case 'int32': {
      const n = Math.round(Number(v));
      return Number.isFinite(n) && n >= -(2 ** 31) && n < 2 ** 31 ? n : INVALID;
    }
    case 'int64': {
      if (typeof v === 'bigint') return v;
      const n = Math.round(v);
      return Number.isFinite(n) && n >= -(2 ** 63) && n < 2 ** 63 ? BigInt(n) : INVALID;
    }
    case 'date':
    case 'timestamp':
      return INVALID;
  }
}

function fromInstant(ms: number, isDate: boolean, to: CastType): unknown {
  switch (to) {
    case 'string': {
      const iso = new Date(ms).toISOString();
      return isDate ? iso.slice(0, 10) : iso;
    }
    case 'date': return Math.floor(ms / DAY_MS) * DAY_MS;
    case 'timestamp': return ms;
    case 'int64': return BigInt(ms);
    case 'float64': return ms;
    default: return INVALID;
  }
}
