import { DataType, makeVector, type RecordBatch } from 'apache-arrow';

/** A key as compared and hashed: numbers (dates as epoch ms), strings, booleans; null is null. */
export type KeyValue = number | string | boolean | null;

/** Reads one column's values as keys; 64-bit integers beyond 2^53 become exact decimal strings. */
export interface KeyColumn {
  name: string;
  get(row: number): KeyValue;
}

export class UnknownColumnError extends Error {
  constructor(
    readonly column: string,
    readonly known: string[],
    readonly role: string,
  ) {
    super(`${role} column "${column}" does not exist; the columns are: ${known.join(', ')}`);
    this.name = 'UnknownColumnError';
  }
}

/**
 * The named column of `batch` as a key reader. Values come through Arrow's getters (strings are
 * decoded): keys are hashed and compared as JS values.
 */
export function keyColumn(batch: RecordBatch, name: string, role = 'key'): KeyColumn {
  const index = batch.schema.fields.findIndex((f) => f.name === name);
  if (index === -1) throw new UnknownColumnError(name, batch.schema.names as string[], role);
  const vector = makeVector(batch.data.children[index]);
  const is64 = DataType.isInt(vector.type) && vector.type.bitWidth === 64;
  if (!is64 && (DataType.isInt(vector.type) || DataType.isFloat(vector.type)) && vector.nullCount === 0) {
    const values = vector.toArray() as ArrayLike<number>;
    return { name, get: (row) => values[row] };
  }
  return {
    name,
    get(row) {
      const v = vector.get(row) as unknown;
      if (v === null || v === undefined) return null;
      if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
      if (v instanceof Date) return v.getTime();
      return JSON.stringify(v);
    },
  };
}

/** The Map key of a null key under null-safe equality (IS NOT DISTINCT FROM), unlike any value. */
export const NULL_KEY: unique symbol = Symbol('null key');

/**
 * The keys of one row as one Map key: the value itself for one column, else a tagged join.
 * A null part makes the key null (SQL equality), unless `nullSafe`: then nulls are parts like
 * any other, so rows whose keys are both null share a key.
 */
export function rowKey(columns: readonly KeyColumn[], row: number): KeyValue | undefined;
export function rowKey(columns: readonly KeyColumn[], row: number, nullSafe: boolean): KeyValue | typeof NULL_KEY | undefined;
export function rowKey(columns: readonly KeyColumn[], row: number, nullSafe = false): KeyValue | typeof NULL_KEY | undefined {
  if (columns.length === 1) {
    const v = columns[0].get(row);
    return v === null && nullSafe ? NULL_KEY : v;
  }
  let key = '';
  for (const c of columns) {
    const v = c.get(row);
    if (v === null) {
      if (!nullSafe) return null;
      key += 'z';
      continue;
    }
    key += `${typeof v === 'string' ? 's' : typeof v === 'number' ? 'n' : 'b'}${String(v).length}:${String(v)}`;
  }
  return key;
}
