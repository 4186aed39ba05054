import type { RecordBatch } from 'apache-arrow';
import { compareKeys, keyColumn, type KeyColumn, type SortKey } from '@pypeline/verbs';

/** One batch's sort keys, read the way `sortIndices` of @pypeline/verbs reads them. */
export interface RowKeys {
  columns: KeyColumn[];
}

export function rowKeys(batch: RecordBatch, keys: readonly SortKey[]): RowKeys {
  return { columns: keys.map((k) => keyColumn(batch, k.column, 'sort')) };
}

/**
 * A comparator of rows of two batches by `keys`, with `sortIndices`' rules: per key asc or
 * desc, nulls first or last (by default last ascending and first descending).
 */
export function rowComparator(keys: readonly SortKey[]): (a: RowKeys, i: number, b: RowKeys, j: number) => number {
  const signs = keys.map((k) => (k.descending ? -1 : 1));
  const nullRanks = keys.map((k) => ((k.nulls ?? (k.descending ? 'first' : 'last')) === 'first' ? -1 : 1));
  return (a, i, b, j) => {
    for (let k = 0; k < signs.length; k++) {
      const x = a.columns[k].get(i);
      const y = b.columns[k].get(j);
      if (x === y) continue;
      if (x === null) return nullRanks[k];
      if (y === null) return -nullRanks[k];
      const c = compareKeys(x, y);
      if (c !== 0) return signs[k] * c;
    }
    return 0;
  };
}
