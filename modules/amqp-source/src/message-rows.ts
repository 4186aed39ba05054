import { Bool, Float64, Int64, Table, TimestampMillisecond, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { parseBoolean, parseInt64, parseNumber, parseTime } from '@pypeline/sdk';
import type { MessageColumnType } from './config.js';

export type MessageRow = Record<string, unknown>;

/** The rows of one JSON message, or why it has none. */
export function jsonRows(text: string): MessageRow[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `is not JSON (${(e as Error).message})`;
  }
  const items = Array.isArray(value) ? value : [value];
  const bad = items.find((item) => item === null || typeof item !== 'object' || Array.isArray(item));
  if (bad !== undefined) return Array.isArray(value) ? 'holds an item that is not a JSON object' : 'is not a JSON object';
  return items as MessageRow[];
}

const ARROW: Record<MessageColumnType, () => DataType> = {
  utf8: () => new Utf8(),
  int64: () => new Int64(),
  float64: () => new Float64(),
  boolean: () => new Bool(),
  timestamp: () => new TimestampMillisecond(),
};

export function arrowType(type: MessageColumnType): DataType {
  return ARROW[type]();
}

/** Column types from the values (in order of first appearance): booleans, integers (int64), numbers, else text. */
export function inferColumns(rows: readonly MessageRow[]): Record<string, MessageColumnType> {
  const kinds = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      const seen = kinds.get(k) ?? kinds.set(k, new Set()).get(k)!;
      if (v === null || v === undefined) continue;
      seen.add(typeof v === 'number' ? (Number.isSafeInteger(v) ? 'int' : 'float') : typeof v === 'boolean' ? 'bool' : 'text');
    }
  }
  const columns: Record<string, MessageColumnType> = {};
  for (const [k, seen] of kinds) {
    columns[k] = seen.has('text') || (seen.has('bool') && seen.size > 1) ? 'utf8' : seen.has('bool') ? 'boolean' : seen.has('float') ? 'float64' : seen.has('int') ? 'int64' : 'utf8';
  }
  return columns;
}

/** Returned by `convert` for a value the column's type cannot hold. */
export const MISFIT = Symbol('misfit');

/** A JSON value as a value of `type`: text is read by the sdk's parsers (timestamps without a zone are UTC). */
export function convert(type: MessageColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'utf8':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'int64':
      if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : MISFIT;
      return typeof v === 'string' ? (parseInt64(v) ?? MISFIT) : MISFIT;
    case 'float64':
      if (typeof v === 'number') return v;
      return typeof v === 'string' ? (parseNumber(v) ?? MISFIT) : MISFIT;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      return typeof v === 'string' ? (parseBoolean(v) ?? MISFIT) : MISFIT;
    case 'timestamp':
      if (typeof v === 'number') return v;
      return typeof v === 'string' ? (parseTime(v) ?? MISFIT) : MISFIT;
  }
}

/** The first value of `row` its column cannot hold, as `column "x": value`, or undefined. */
export function misfit(row: MessageRow, columns: Record<string, MessageColumnType>): string | undefined {
  for (const [name, type] of Object.entries(columns)) {
    if (convert(type, row[name]) === MISFIT) return `column "${name}" (${type}) cannot hold ${JSON.stringify(row[name])}`;
  }
  return undefined;
}

/** The rows as a table with exactly `columns` (values already checked by `misfit`). */
export function rowsTable(rows: readonly MessageRow[], columns: Record<string, MessageColumnType>): Table {
  const vectors = Object.fromEntries(Object.entries(columns).map(([name, type]) => [name, vectorFromArray(rows.map((r) => convert(type, r[name])), arrowType(type))]));
  return new Table(vectors);
}
