import type { RecordBatch } from 'apache-arrow';
import { compareKeys } from './compare-keys.js';
import { keyColumn } from './key-column.js';

export interface SortKey {
  column: string;
  /** @default false */
  descending?: boolean;
  /** Where nulls go; by default last ascending and first descending (as in PostgreSQL). */
  nulls?: 'first' | 'last';
}

/** The row order of `batch` by the keys: a stable sort, so equal rows keep their input order. */
export function sortIndices(batch: RecordBatch, keys: readonly SortKey[]): Uint32Array {
  const order = Uint32Array.from({ length: batch.numRows }, (_, i) => i);
  return order.sort(rowOrder(batch, keys));
}

/**
 * A comparator of two rows of `batch` by the keys (each key's values read once, up front), equal
 * rows ordered by their index: sorting any set of row indices with it is stable.
 */
export function rowOrder(batch: RecordBatch, keys: readonly SortKey[]): (a: number, b: number) => number {
  const columns = keys.map((k) => {
    const column = keyColumn(batch, k.column, 'sort');
    const values = Array.from({ length: batch.numRows }, (_, i) => column.get(i));
    const sign = k.descending ? -1 : 1;
    const nullsFirst = (k.nulls ?? (k.descending ? 'first' : 'last')) === 'first';
    return { values, sign, nullRank: nullsFirst ? -1 : 1 };
  });
  return (a, b) => {
    for (const { values, sign, nullRank } of columns) {
      const x = values[a];
      const y = values[b];
      if (x === y) continue;
      if (x === null) return nullRank;
      if (y === null) return -nullRank;
      const c = compareKeys(x, y);
      if (c !== 0) return sign * c;
    }
    return a - b;
  };
}
