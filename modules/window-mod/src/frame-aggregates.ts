import { Decimal, Int64, type Data, type RecordBatch } from 'apache-arrow';
import { fixedData, float64Data, numberColumn, orderedColumn, takeOrNull, validity, type NumberColumn } from '@pypeline/verbs';
import type { Layout } from './partition-layout.js';

/** Each position's frame, positions `lo[k]` … `hi[k]` (empty when lo > hi); both never decrease inside a partition. */
export interface Frames {
  lo: Int32Array;
  hi: Int32Array;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** An integer sum beyond Int64, or a decimal one beyond 38 digits: `hint` is the fix. */
export class WindowSumOverflow extends Error {
  readonly hint = 'cast the column to float64 with select_mod first (cast: { column: float64 }) to sum it approximately';
}

/** count(*) (`arg` null) or count(expr) over each frame: Int64, never null. */
export function countData(arg: RecordBatch | null, layout: Layout, frames: Frames): Data {
  const n = layout.order.length;
  const valid = arg ? validity(arg.data.children[0]) : () => true;
  const prefix = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k] + (valid(layout.order[k]) ? 1 : 0);
  const out = new BigInt64Array(n);
  for (let k = 0; k < n; k++) out[layout.order[k]] = frames.lo[k] > frames.hi[k] ? 0n : BigInt(prefix[frames.hi[k] + 1] - prefix[frames.lo[k]]);
  return fixedData(new Int64(), n, out, () => true);
}

/**
 * sum or avg of the non-null values of each frame, typed as aggregate_mod's: sum is exact Int64
 * for integers and Decimal(38, s) for decimals (prefix sums in integers), Float64 for floats
 * (a segment tree, so a frame's sum never subtracts a huge value it left); avg is Float64.
 * Null for a frame without values.
 */
export function sumData(arg: RecordBatch, layout: Layout, frames: Frames, fn: 'sum' | 'avg', label: string): Data {
  const c = numberColumn(arg.data.children[0]);
  const n = layout.order.length;
  const { order } = layout;
  const counts = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) counts[k + 1] = counts[k] + (c.valid(order[k]) ? 1 : 0);
  const seen = (k: number) => frames.lo[k] <= frames.hi[k] && counts[frames.hi[k] + 1] > counts[frames.lo[k]];
  const valuesOf = (k: number) => counts[frames.hi[k] + 1] - counts[frames.lo[k]];
  if (c.kind === 'float') {
    const sum = floatSums(n, (k) => (c.valid(order[k]) ? c.num(order[k]) : 0), layout, frames);
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) if (seen(k)) out[order[k]] = sum(k) / (fn === 'avg' ? valuesOf(k) : 1);
    return float64Data(out, (i) => seen(positionOf(layout)[i]));
  }
  const exact = exactPrefix(c, order);
  const sumAt = (k: number) => exact(frames.hi[k] + 1) - exact(frames.lo[k]);
  if (fn === 'avg') {
    const out = new Float64Array(n);
    const scale = 10 ** c.scale;
    for (let k = 0; k < n; k++) if (seen(k)) out[order[k]] = Number(sumAt(k)) / scale / valuesOf(k);
    return float64Data(out, (i) => seen(positionOf(layout)[i]));
  }
  if (c.kind === 'decimal') {
    const limit = 10n ** 38n;
    const words = new Uint32Array(n * 4);
    for (let k = 0; k < n; k++) {
      if (!seen(k)) continue;
      const s = sumAt(k);
      if (s >= limit || s <= -limit) throw new WindowSumOverflow(`${label} overflows Decimal(38)`);
      let u = BigInt.asUintN(128, s);
      for (let w = 0; w < 4; w++, u >>= 32n) words[order[k] * 4 + w] = Number(u & 0xffffffffn);
    }
    return fixedData(new Decimal(c.scale, 38, 128), n, words, (i) => seen(positionOf(layout)[i]));
  }
  const out = new BigInt64Array(n);
  for (let k = 0; k < n; k++) {
    if (!seen(k)) continue;
    const s = sumAt(k);
    if (s > INT64_MAX || s < INT64_MIN) throw new WindowSumOverflow(`${label} overflows Int64 (DuckDB would widen to HUGEINT)`);
    out[order[k]] = s;
  }
  return fixedData(new Int64(), n, out, (i) => seen(positionOf(layout)[i]));
}

/** min or max of the non-null values of each frame, in the column's own type: a monotonic queue, since frames only move forward. */
export function extremeData(arg: RecordBatch, layout: Layout, frames: Frames, fn: 'min' | 'max'): Data {
  const c = orderedColumn(arg, 0);
  const sign = fn === 'min' ? 1 : -1;
  const { order } = layout;
  const n = order.length;
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let pushed = 0;
  const rows = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const lo = frames.lo[k];
    const hi = frames.hi[k];
    for (; pushed <= hi; pushed++) {
      const row = order[pushed];
      if (!c.valid(row)) continue;
      while (tail > head && sign * c.compare(order[queue[tail - 1]], row) > 0) tail--;
      queue[tail++] = pushed;
    }
    while (tail > head && queue[head] < lo) head++;
    if (lo <= hi && tail > head && queue[head] <= hi) rows[order[k]] = order[queue[head]];
  }
  return takeOrNull(arg, rows).data.children[0];
}

/** Exact prefix sums of an integer or decimal column at positions: in doubles while they stay below 2^53, else in bigints. */
function exactPrefix(c: NumberColumn, order: Uint32Array): (k: number) => bigint {
  const n = order.length;
  let bound = 0;
  for (let k = 0; k < n; k++) if (c.valid(order[k])) bound += Math.abs(c.num(order[k]));
  if (c.kind !== 'decimal' && bound < 2 ** 53) {
    const prefix = new Float64Array(n + 1);
    for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k] + (c.valid(order[k]) ? c.num(order[k]) : 0);
    return (k) => BigInt(prefix[k]);
  }
  const prefix = new Array<bigint>(n + 1);
  prefix[0] = 0n;
  for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k] + (c.valid(order[k]) ? c.big(order[k]) : 0n);
  return (k) => prefix[k];
}

// The position of each input row (the inverse of layout.order), computed once per layout.
const positions = new WeakMap<Layout, Uint32Array>();
function positionOf(layout: Layout): Uint32Array {
  let p = positions.get(layout);
  if (!p) {
    p = new Uint32Array(layout.order.length);
    layout.order.forEach((row, k) => (p![row] = k));
    positions.set(layout, p);
  }
  return p;
}

/**
 * Each frame's sum of doubles, added in the order DuckDB adds them where that is cheap (so
 * cancellation, 1e300 + 1.5 - 1e300, rounds the same way): from the partition's first row for
 * frames that start there, one by one for frames of at most 64 rows; else by a segment tree.
 */
function floatSums(n: number, value: (k: number) => number, layout: Layout, frames: Frames): (k: number) => number {
  const { lo, hi } = frames;
  let running = true;
  let widest = 0;
  for (let k = 0; k < n; k++) {
    if (lo[k] !== layout.partStart[k]) running = false;
    widest = Math.max(widest, hi[k] - lo[k] + 1);
  }
  if (running) {
    const sums = new Float64Array(n);
    for (let k = 0; k < n; k++) sums[k] = (k === layout.partStart[k] ? 0 : sums[k - 1]) + value(k);
    return (k) => (hi[k] < lo[k] ? 0 : sums[hi[k]]);
  }
  if (widest <= 64) {
    return (k) => {
      let sum = 0;
      for (let j = lo[k]; j <= hi[k]; j++) sum += value(j);
      return sum;
    };
  }
  const tree = new SumTree(n, value);
  return (k) => tree.sum(lo[k], hi[k]);
}

/** Sums of ranges of a fixed array of doubles in O(log n), adding neighbours pairwise. */
class SumTree {
  private readonly size: number;
  private readonly tree: Float64Array;
  constructor(n: number, value: (k: number) => number) {
    this.size = n;
    this.tree = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) this.tree[n + k] = value(k);
    for (let i = n - 1; i > 0; i--) this.tree[i] = this.tree[2 * i] + this.tree[2 * i + 1];
  }

  /** The sum of positions lo … hi (inclusive). */
  sum(lo: number, hi: number): number {
    let left = 0;
    let right = 0;
    for (let l = lo + this.size, r = hi + this.size + 1; l < r; l >>= 1, r >>= 1) {
      if (l & 1) left += this.tree[l++];
      if (r & 1) right = this.tree[--r] + right;
    }
    return left + right;
  }
}
