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
  const columns = keys.map((k) => {
    const column = keyColumn(batch, k.column, 'sort');
    const values = Array.from({ length: batch.numRows }, (_, i) => column.get(i));
    const sign = k.descending ? -1 : 1;
    const nullsFirst = (k.nulls ?? (k.descending ? 'first' : 'last')) === 'first';
    return { values, sign, nullRank: nullsFirst ? -1 : 1 };
  });
  const order = Array.from({ length: batch.numRows }, (_, i) => i);
  order.sort((a, b) => {
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
  });
  return Uint32Array.from(order);
}
