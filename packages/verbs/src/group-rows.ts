import type { RecordBatch } from 'apache-arrow';
import { keyColumn, rowKey, type KeyValue } from './key-column.js';

export interface Groups {
  /** The group of each row, 0-based in order of first appearance. */
  groupOf: Uint32Array;
  /** The first row of each group, to gather the key columns from. */
  firstRow: Uint32Array;
  count: number;
}

/** Assigns each row of `batch` to a group by the key columns. Null keys form their own group (SQL GROUP BY). */
export function groupRows(batch: RecordBatch, keys: readonly string[]): Groups {
  const n = batch.numRows;
  const groupOf = new Uint32Array(n);
  const first: number[] = [];
  if (keys.length === 0) {
    // No keys: one group of every row (even none, as SQL's `SELECT count(*)` gives one row).
    return { groupOf, firstRow: Uint32Array.of(0), count: 1 };
  }
  const columns = keys.map((k) => keyColumn(batch, k, 'group by'));
  const ids = new Map<KeyValue | undefined, number>();
  const withNulls = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let key = rowKey(columns, i);
    let map: Map<KeyValue | string | undefined, number> = ids;
    if (key === null && columns.length > 1) {
      // rowKey gives null as soon as one part is null; spell the parts out so they still group.
      key = JSON.stringify(columns.map((c) => c.get(i)));
      map = withNulls;
    }
    let id = map.get(key);
    if (id === undefined) {
      id = first.length;
      map.set(key, id);
      first.push(i);
    }
    groupOf[i] = id;
  }
  return { groupOf, firstRow: Uint32Array.from(first), count: first.length };
}
