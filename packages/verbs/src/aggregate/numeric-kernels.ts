import { Decimal, Int64, type Data } from 'apache-arrow';
import { AggregateError } from './aggregate-error.js';
import { fixedData, float64Data } from './build-data.js';
import type { NumberColumn } from './column-readers.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const TWO_52 = 2 ** 52;

/** What the numeric kernels read: the rows to fold (input order, DISTINCT applied) and each row's group. */
export interface Fold {
  rows: Uint32Array;
  groupOf: Uint32Array;
  count: number;
}

/**
 * sum: exact Int64 for integer columns (an overflow is an error: DuckDB would give HUGEINT),
 * exact Decimal(38, scale) for decimals, Float64 for floats; null for a group without values.
 */
export function sumData(c: NumberColumn, f: Fold, label: string): Data {
  if (c.kind === 'float') {
    const sums = new Float64Array(f.count);
    const seen = new Uint8Array(f.count);
    const { rows, groupOf } = f;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      if (!c.valid(i)) continue;
      sums[groupOf[i]] += c.num(i);
      seen[groupOf[i]] = 1;
    }
    return float64Data(sums, (g) => seen[g] === 1);
  }
  return exactSumData(c, exactSums(c, f), label);
}

/**
 * Exact per-group sums (null: no value) as sum's result: Int64 for integer columns (an
 * overflow is an error), Decimal(38, scale) for decimals. Shared with the hash aggregate.
 */
export function exactSumData(c: Pick<NumberColumn, 'kind' | 'scale'>, sums: (bigint | null)[], label: string): Data {
  const count = sums.length;
  if (c.kind === 'decimal') {
    const limit = 10n ** 38n;
    const words = new Uint32Array(count * 4);
    sums.forEach((s, g) => {
      if (s === null) return;
      if (s >= limit || s <= -limit) throw overflow(label, g, 'Decimal(38)');
      let u = BigInt.asUintN(128, s);
      for (let w = 0; w < 4; w++, u >>= 32n) words[g * 4 + w] = Number(u & 0xffffffffn);
    });
    return fixedData(new Decimal(c.scale, 38, 128), count, words, (g) => sums[g] !== null);
  }
  const out = new BigInt64Array(count);
  sums.forEach((s, g) => {
    if (s === null) return;
    if (s > INT64_MAX || s < INT64_MIN) throw overflow(label, g, 'Int64');
    out[g] = s;
  });
  return fixedData(new Int64(), count, out, (g) => sums[g] !== null);
}

/** Exact per-group sums; small integers add up in doubles and move to a bigint before they pass 2^52. */
function exactSums(c: NumberColumn, f: Fold): (bigint | null)[] {
  const big: (bigint | null)[] = new Array<bigint | null>(f.count).fill(null);
  if (c.kind === 'int') {
    const lo = new Float64Array(f.count);
    for (const i of f.rows) {
      if (!c.valid(i)) continue;
      const g = f.groupOf[i];
      lo[g] += c.num(i);
      if (big[g] === null) big[g] = 0n;
      if (Math.abs(lo[g]) > TWO_52) {
        big[g]! += BigInt(lo[g]);
        lo[g] = 0;
      }
    }
    return big.map((b, g) => (b === null ? null : b + BigInt(lo[g])));
  }
  for (const i of f.rows) {
    if (!c.valid(i)) continue;
    const g = f.groupOf[i];
    big[g] = (big[g] ?? 0n) + c.big(i);
  }
  return big;
}

function overflow(label: string, group: number, type: string): AggregateError {
  return new AggregateError(`${label} overflows ${type} in group ${group + 1} (DuckDB would widen to HUGEINT)`, 'cast the column to float64 with select_mod first (cast: { column: float64 }) to sum it approximately');
}

/** avg and the variance family from one pass of Welford's update (count, mean, sum of squared deviations). */
export function momentData(c: NumberColumn, f: Fold, fn: 'avg' | 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop'): Data {
  if (fn === 'avg') return avgData(c, f);
  const n = new Float64Array(f.count);
  const mean = new Float64Array(f.count);
  const m2 = new Float64Array(f.count);
  for (const i of f.rows) {
    if (!c.valid(i)) continue;
    const g = f.groupOf[i];
    const x = c.num(i);
    const k = ++n[g];
    const d = x - mean[g];
    mean[g] += d / k;
    m2[g] += d * (x - mean[g]);
  }
  return momentResult(n, m2, fn);
}

/** The variance family's result from each group's count and sum of squared deviations (Welford's m2). */
export function momentResult(n: Float64Array, m2: Float64Array, fn: 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop'): Data {
  const pop = fn.endsWith('_pop');
  const variance = m2.map((v, g) => (pop ? v / n[g] : v / (n[g] - 1)));
  const values = fn.startsWith('stddev') ? variance.map(Math.sqrt) : variance;
  return float64Data(values, (g) => n[g] > (pop ? 0 : 1));
}

/** avg: the sum over the count, in one pass without the variance's updates. */
function avgData(c: NumberColumn, f: Fold): Data {
  const n = new Float64Array(f.count);
  const sums = new Float64Array(f.count);
  const { rows, groupOf } = f;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    if (!c.valid(i)) continue;
    const g = groupOf[i];
    sums[g] += c.num(i);
    n[g]++;
  }
  return float64Data(sums.map((s, g) => s / n[g]), (g) => n[g] > 0);
}

/**
 * quantile_cont (and median): DuckDB's interpolation, at RN = (n - 1) * p between the values
 * at floor(RN) and ceil(RN): lo + (hi - lo) * (RN - floor(RN)).
 */
export function quantileContData(c: NumberColumn, segments: { start: Uint32Array; order: Uint32Array }, p: number): Data {
  const count = segments.start.length - 1;
  const out = new Float64Array(count);
  const has = new Uint8Array(count);
  for (let g = 0; g < count; g++) {
    const values: number[] = [];
    for (let k = segments.start[g]; k < segments.start[g + 1]; k++) {
      const i = segments.order[k];
      if (c.valid(i)) values.push(c.num(i));
    }
    if (values.length === 0) continue;
    const sorted = Float64Array.from(values).sort();
    const rn = (sorted.length - 1) * p;
    const lo = Math.floor(rn);
    const hi = Math.ceil(rn);
    out[g] = lo === hi ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * (rn - lo);
    has[g] = 1;
  }
  return float64Data(out, (g) => has[g] === 1);
}
