import { Bool, DateDay, Field, Float64, Int64, List, Struct, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import { parseTime } from '../values/parse-values.js';
import { stringify } from 'lossless-json';

/**
 * The scalar column kinds a JSON value is typed as. Whole numbers are int64 (DuckDB's BIGINT),
 * exact past 2^53 (see `parseJsonText`); strings that are all ISO 8601 dates or date-times
 * become dates or timestamps.
 */
export type JsonKind = 'int64' | 'float64' | 'boolean' | 'date' | 'timestamp' | 'utf8';

/**
 * A column's type: a scalar kind, a list of one type (JSON arrays) or a struct of named types
 * (JSON objects, keys in order of first appearance), as DuckDB's read_json infers them. Values
 * that mix arrays, objects and scalars are kept as JSON text (utf8).
 */
export type JsonType = JsonKind | { list: JsonType } | { struct: [string, JsonType][] };

/** What inference has seen: also `null` (nothing but nulls so far), which any type absorbs. */
type Seen = JsonType | null;

export const KIND_LABELS: Record<JsonKind, string> = {
  int64: 'a 64-bit integer',
  float64: 'a number',
  boolean: 'true or false',
  date: 'a YYYY-MM-DD date',
  timestamp: 'an ISO 8601 date-time',
  utf8: 'text',
};

/** How a message names a type: `a 64-bit integer`, `a list of (text)`, `an object {a, b}`. */
export function typeLabel(t: JsonType): string {
  if (typeof t === 'string') return KIND_LABELS[t];
  if ('list' in t) return `an array of (${typeLabel(t.list)})`;
  return `an object {${t.struct.map(([k]) => k).join(', ')}}`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The narrowest type every non-null sample value fits; a column with only nulls is text. */
export function inferKind(values: Iterable<unknown>): JsonType {
  let seen: Seen = null;
  for (const v of values) {
    seen = widen(seen, typeOfValue(v));
    if (seen === 'utf8') return seen;
  }
  return settle(seen);
}

/** Unknown parts (all-null members, empty arrays) become text. */
function settle(t: Seen): JsonType {
  if (t === null) return 'utf8';
  if (typeof t === 'string') return t;
  if ('list' in t) return { list: settle(t.list as Seen) };
  return { struct: t.struct.map(([k, m]) => [k, settle(m as Seen)]) };
}

/** The type that holds values of both: integers widen to numbers, dates to timestamps, lists and structs member-wise, anything else to text. */
function widen(a: Seen, b: Seen): Seen {
  if (a === null) return b;
  if (b === null || a === b) return a;
  if (typeof a === 'string' || typeof b === 'string') {
    const pair = new Set([a, b]);
    if (pair.has('int64') && pair.has('float64')) return 'float64';
    if (pair.has('date') && pair.has('timestamp')) return 'timestamp';
    return 'utf8';
  }
  if ('list' in a && 'list' in b) return { list: widen(a.list, b.list) as JsonType };
  if ('struct' in a && 'struct' in b) {
    const members = new Map<string, Seen>(a.struct);
    for (const [k, t] of b.struct) members.set(k, members.has(k) ? widen(members.get(k) ?? null, t) : t);
    return { struct: [...members] as [string, JsonType][] };
  }
  return 'utf8';
}

function typeOfValue(v: unknown): Seen {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return { list: v.reduce<Seen>((t, x) => widen(t, typeOfValue(x)), null) as JsonType };
  if (typeof v === 'object') return { struct: Object.entries(v).map(([k, x]) => [k, typeOfValue(x) as JsonType]) };
  return kindOf(v);
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

export function arrowTypeOf(t: JsonType): DataType {
  if (typeof t === 'object') {
    if ('list' in t) return new List(new Field('item', arrowTypeOf(t.list), true));
    return new Struct(t.struct.map(([k, m]) => new Field(k, arrowTypeOf(m), true)));
  }
  switch (t) {
    case 'int64': return new Int64();
    case 'float64': return new Float64();
    case 'boolean': return new Bool();
    case 'date': return new DateDay();
    // An instant: a zone-less value is UTC (the SDK's value rule), so the column says UTC.
    case 'timestamp': return new TimestampMillisecond('UTC');
    case 'utf8': return new Utf8();
  }
}

/** Sentinel for a value that does not fit the column's type. */
export const MISFIT: unique symbol = Symbol('misfit');

/** The value as the builder of `t` takes it; text columns hold strings as they are and anything else as JSON. */
export function convert(t: JsonType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof t === 'object') return convertNested(t, v);
  if (Array.isArray(v) || typeof v === 'object') return t === 'utf8' ? stringify(v) : MISFIT;
  const k = kindOf(v);
  if (k !== t && widen(t, k) !== t) return MISFIT;
  switch (t) {
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
      return typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : String(v);
  }
}

function convertNested(t: Exclude<JsonType, JsonKind>, v: unknown): unknown {
  if ('list' in t) {
    if (!Array.isArray(v)) return MISFIT;
    const items = v.map((x) => convert(t.list, x));
    return items.includes(MISFIT) ? MISFIT : items;
  }
  if (typeof v !== 'object' || Array.isArray(v)) return MISFIT;
  const record = v as Record<string, unknown>;
  // A key the struct does not have would be lost: that is a misfit, not a silent drop.
  if (Object.keys(record).some((k) => !t.struct.some(([name]) => name === k))) return MISFIT;
  const out: Record<string, unknown> = {};
  for (const [name, member] of t.struct) {
    const value = convert(member, record[name]);
    if (value === MISFIT) return MISFIT;
    out[name] = value;
  }
  return out;
}

/** The narrowest scalar kind that holds `v` beside `kind`, for the hint of a value that does not fit its column (nested values: text). */
export function widenFor(t: JsonType, v: unknown): JsonKind {
  const w = widen(t, typeOfValue(v));
  return typeof w === 'string' ? w : 'utf8';
}
