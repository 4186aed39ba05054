import type { RecordBatch } from 'apache-arrow';
import { KeyCodes } from './key-codes.js';

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
  if (keys.length === 0) {
    // No keys: one group of every row (even none, as SQL's `SELECT count(*)` gives one row).
    return { groupOf: new Uint32Array(n), firstRow: Uint32Array.of(0), count: 1 };
  }
  const codes = new KeyCodes(batch, keys, 'group by').encode(batch, keys, 'group by', true, 'value');
  // Codes count values as the dictionaries met them (a null's code is taken late); renumber
  // them in order of first appearance.
  const groupOf = new Uint32Array(codes.buffer, codes.byteOffset, n);
  const renumber = new Int32Array(n === 0 ? 0 : maxOf(codes) + 1).fill(-1);
  const first = new Uint32Array(renumber.length);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    let g = renumber[c];
    if (g === -1) {
      g = renumber[c] = count;
      first[count++] = i;
    }
    groupOf[i] = g;
  }
  return { groupOf, firstRow: first.slice(0, count), count };
}

function maxOf(codes: Int32Array): number {
  let max = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] > max) max = codes[i];
  return max;
}

/** The rows SQL DISTINCT (ON keys) keeps and the ones it drops, each in input order. */
export interface DistinctRows {
  kept: Uint32Array;
  dropped: Uint32Array;
}

/**
 * One row per distinct key (nulls equal, as SQL DISTINCT): the first or the last of its group
 * in input order. The kernel of distinct_mod and union_mod's `distinct`.
 */
export function distinctRows(batch: RecordBatch, keys: readonly string[], keep: 'first' | 'last'): DistinctRows {
  const n = batch.numRows;
  const groups = groupRows(batch, keys);
  const count = n === 0 ? 0 : groups.count;
  const isKept = new Uint8Array(n);
  if (keep === 'first') for (let g = 0; g < count; g++) isKept[groups.firstRow[g]] = 1;
  else {
    const last = new Int32Array(count);
    for (let i = 0; i < n; i++) last[groups.groupOf[i]] = i;
    for (const row of last) isKept[row] = 1;
  }
  const kept = new Uint32Array(count);
  const dropped = new Uint32Array(n - count);
  for (let i = 0, k = 0, d = 0; i < n; i++) {
    if (isKept[i]) kept[k++] = i;
    else dropped[d++] = i;
  }
  return { kept, dropped };
}
