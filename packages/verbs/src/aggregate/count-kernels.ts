import { Int64, makeData, type Data } from 'apache-arrow';
import { boolData } from './build-data.js';
import type { Fold } from './numeric-kernels.js';

/** count(col) / count(*) / count_if: the rows of each group that `counted` accepts. Never null. */
export function countData(f: Fold, counted: (row: number) => boolean): Data {
  const counts = new BigInt64Array(f.count);
  const n = new Float64Array(f.count);
  for (const i of f.rows) if (counted(i)) n[f.groupOf[i]]++;
  n.forEach((c, g) => (counts[g] = BigInt(c)));
  return makeData({ type: new Int64(), length: f.count, nullCount: 0, data: counts });
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
