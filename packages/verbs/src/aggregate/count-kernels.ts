import { Int64, type Data } from 'apache-arrow';
import { boolData, fixedData } from './build-data.js';
import type { Fold } from './numeric-kernels.js';

/**
 * count(col) / count(*) / count_if: the rows of each group that `counted` accepts. Never null,
 * except count_if's (given `known`): null for a group where no row is known.
 */
export function countData(f: Fold, counted: (row: number) => boolean, known?: (row: number) => boolean): Data {
  // The Int64 counts written as 32-bit words, low word first as in Arrow's little-endian
  // buffers (a count is at most the rows of one table, below 2^32): no BigInt per group.
  const words = new Uint32Array(f.count * 2);
  const seen = new Uint8Array(f.count);
  const { rows, groupOf } = f;
  if (known) {
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      if (counted(i)) words[2 * groupOf[i]]++;
      if (known(i)) seen[groupOf[i]] = 1;
    }
  } else for (let k = 0; k < rows.length; k++) if (counted(rows[k])) words[2 * groupOf[rows[k]]]++;
  return fixedData(new Int64(), f.count, new BigInt64Array(words.buffer), (g) => !known || seen[g] === 1);
}

/** bool_and / bool_or over the non-null values; null for a group without any. */
export function boolFoldData(f: Fold, valid: (i: number) => boolean, value: (i: number) => boolean, and: boolean): Data {
  const state = new Int8Array(f.count).fill(-1);
  for (const i of f.rows) {
    if (!valid(i)) continue;
    const g = f.groupOf[i];
    const v = value(i) ? 1 : 0;
    state[g] = state[g] === -1 ? v : and ? state[g] & v : state[g] | v;
  }
  return boolData(state);
}
