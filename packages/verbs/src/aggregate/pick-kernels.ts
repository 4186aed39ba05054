import type { KeyColumn } from '../key-column.js';
import type { NumberColumn, OrderedColumn } from './column-readers.js';
import type { Fold } from './numeric-kernels.js';
import type { Segments } from './group-segments.js';

/**
 * The kernels that answer with one row of each group (-1: none, so null), whose value is then
 * gathered in the column's own type: min, max, first, last, quantile_disc and mode.
 */
export function extremeRows(c: OrderedColumn, f: Fold, sign: 1 | -1): Int32Array {
  const best = new Int32Array(f.count).fill(-1);
  for (const i of f.rows) {
    if (!c.valid(i)) continue;
    const g = f.groupOf[i];
    if (best[g] === -1 || sign * c.compare(i, best[g]) < 0) best[g] = i;
  }
  return best;
}

/** min/max of a column read as doubles (integers up to 32 bits, floats): extremeRows without a comparator call per row. */
export function extremeNumberRows(c: NumberColumn, f: Fold, sign: 1 | -1): Int32Array {
  const best = new Int32Array(f.count).fill(-1);
  const value = new Float64Array(f.count);
  const { rows, groupOf } = f;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    if (!c.valid(i)) continue;
    const g = groupOf[i];
    const x = c.num(i);
    // As extremeRows' `c.num(i) - c.num(best)`: a NaN never replaces and is never replaced.
    if (best[g] === -1 || sign * (x - value[g]) < 0) {
      best[g] = i;
      value[g] = x;
    }
  }
  return best;
}

/** first/last: each group's first or last row in input order, whatever its value. */
export function edgeRows(f: Fold, last: boolean): Int32Array {
  const chosen = new Int32Array(f.count).fill(-1);
  for (const i of f.rows) {
    const g = f.groupOf[i];
    if (last || chosen[g] === -1) chosen[g] = i;
  }
  return chosen;
}

/**
 * quantile_disc: the value at index max(1, n - floor(n - n * p)) - 1 of the sorted non-null
 * values, computed from p's digits in integers as DuckDB does for a decimal literal (so 0.3 of
 * 10 values is the 3rd, not the 4th that 10 * 0.3 = 3.0000000000000004 would give).
 */
export function quantileDiscRows(c: OrderedColumn, segments: Segments, p: string): Int32Array {
  const count = segments.start.length - 1;
  const chosen = new Int32Array(count).fill(-1);
  const [whole, fraction = ''] = p.split('.');
  const scaling = 10n ** BigInt(fraction.length);
  const integral = BigInt(`${whole || '0'}${fraction}`);
  for (let g = 0; g < count; g++) {
    const rows: number[] = [];
    for (let k = segments.start[g]; k < segments.start[g + 1]; k++) if (c.valid(segments.order[k])) rows.push(segments.order[k]);
    if (rows.length === 0) continue;
    rows.sort(c.compare);
    const n = BigInt(rows.length);
    const floored = (n * scaling - n * integral) / scaling;
    const index = Number(n - floored > 1n ? n - floored : 1n) - 1;
    chosen[g] = rows[index];
  }
  return chosen;
}

/** mode: the most frequent non-null value of each group; ties go to the value seen first. */
export function modeRows(keys: KeyColumn, f: Fold): Int32Array {
  const seen = new Map<string, { count: number; row: number }>();
  const best = new Int32Array(f.count).fill(-1);
  const bestCount = new Uint32Array(f.count);
  for (const i of f.rows) {
    const v = keys.get(i);
    if (v === null) continue;
    const g = f.groupOf[i];
    const key = `${g}\u0000${typeof v}${String(v)}`;
    let entry = seen.get(key);
    if (!entry) seen.set(key, (entry = { count: 0, row: i }));
    entry.count++;
    if (entry.count > bestCount[g] || (entry.count === bestCount[g] && entry.row < best[g])) {
      bestCount[g] = entry.count;
      best[g] = entry.row;
    }
  }
  return best;
}
