import { Int64, type Data } from 'apache-arrow';
import { fixedData, float64Data } from '@pypeline/verbs';
import type { Layout } from './partition-layout.js';
import type { WindowName } from './window-functions.js';

/** row_number, rank, dense_rank, ntile (Int64) and percent_rank, cume_dist (Float64), in input row order. */
export function rankData(fn: WindowName, layout: Layout, buckets = 1): Data {
  const { order, partStart, partEnd, peerStart, peerEnd } = layout;
  const n = order.length;
  if (fn === 'percent_rank' || fn === 'cume_dist') {
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const size = partEnd[k] - partStart[k];
      out[order[k]] = fn === 'cume_dist' ? (peerEnd[k] - partStart[k]) / size : size === 1 ? 0 : (peerStart[k] - partStart[k]) / (size - 1);
    }
    return float64Data(out, () => true);
  }
  const out = new BigInt64Array(n);
  let dense = 0;
  for (let k = 0; k < n; k++) {
    const at = k - partStart[k];
    if (at === 0) dense = 0;
    if (peerStart[k] === k) dense++;
    out[order[k]] = BigInt(fn === 'row_number' ? at + 1 : fn === 'rank' ? peerStart[k] - partStart[k] + 1 : fn === 'dense_rank' ? dense : ntile(at, partEnd[k] - partStart[k], buckets));
  }
  return fixedData(new Int64(), n, out, () => true);
}

/** The bucket of the row at `at` of `total`: the first `total % buckets` buckets hold one row more (DuckDB's, the standard's rule). */
function ntile(at: number, total: number, buckets: number): number {
  const b = Math.min(buckets, total);
  const size = Math.floor(total / b);
  const large = total - b * size;
  const inLarge = large * (size + 1);
  return at < inLarge ? 1 + Math.floor(at / (size + 1)) : 1 + large + Math.floor((at - inLarge) / size);
}
