import type { RecordBatch } from 'apache-arrow';
import { keyColumn, rowKey, type KeyValue } from './key-column.js';

export type JoinKind = 'inner' | 'left';

/** Matching row pairs; `right` is -1 for a left row without a match (left joins only). */
export interface JoinPairs {
  left: Int32Array;
  right: Int32Array;
}

/**
 * Pairs the rows of `left` and `right` whose key columns are equal, in left row order (right
 * matches in right row order). Null keys never match, as in SQL. Builds the hash table on the right.
 */
export function hashJoin(left: RecordBatch, right: RecordBatch, leftKeys: readonly string[], rightKeys: readonly string[], kind: JoinKind): JoinPairs {
  const lk = leftKeys.map((k) => keyColumn(left, k, 'left key'));
  const rk = rightKeys.map((k) => keyColumn(right, k, 'right key'));
  const table = new Map<KeyValue | undefined, number[]>();
  for (let j = 0; j < right.numRows; j++) {
    const key = rowKey(rk, j);
    if (key === null) continue;
    const rows = table.get(key);
    if (rows) rows.push(j);
    else table.set(key, [j]);
  }
  const l: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < left.numRows; i++) {
    const key = rowKey(lk, i);
    const matches = key === null ? undefined : table.get(key);
    if (matches) {
      for (const j of matches) {
        l.push(i);
        r.push(j);
      }
    } else if (kind === 'left') {
      l.push(i);
      r.push(-1);
    }
  }
  return { left: Int32Array.from(l), right: Int32Array.from(r) };
}
