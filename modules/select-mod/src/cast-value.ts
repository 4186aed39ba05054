import { Bool, DataType, DateDay, Float64, Int32, Int64, TimestampMillisecond, Utf8 } from 'apache-arrow';
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
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

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
    case 'boolean': {
      const lower = text.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : INVALID;
    }
    case 'date':
    case 'timestamp': {
      const ms = parseInstant(text);
      if (ms === null) return INVALID;
      return to === 'date' ? Math.floor(ms / DAY_MS) * DAY_MS : ms;
    }
    default:
      return NUMBER.test(text) ? fromNumber(Number(text), to, text) : INVALID;
  }
}

function fromNumber(v: number | bigint, to: CastType, text?: string): unknown {
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
      // Integer text beyond 2^53 keeps its exact digits.
      if (text !== undefined && /^[+-]?\d+$/.test(text)) return BigInt(text);
      return Number.isFinite(v) ? BigInt(Math.round(v)) : INVALID;
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

/** `2024-01-31`, `2024-01-31T10:00:00Z`, `2024-01-31 10:00:00+02:00`; no zone means UTC. */
function parseInstant(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const ms = Date.UTC(y, mo, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0);
  const check = new Date(Date.UTC(y, mo, d));
  if (check.getUTCMonth() !== mo || check.getUTCDate() !== d) return null;
  const zone = m[8];
  if (!zone || zone.toUpperCase() === 'Z') return ms;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}
