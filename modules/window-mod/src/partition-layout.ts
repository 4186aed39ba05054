import type { RecordBatch } from 'apache-arrow';
import { groupRows, groupSegments, keyColumn, rowOrder, type SortKey } from '@pypeline/verbs';

/**
 * The rows of a batch in window order (by partition, then by order_by; ties in input order) and,
 * for each position k of that order, the positions where its partition and its peer group
 * (the rows equal on every order_by key) start and end (end exclusive).
 */
export interface Layout {
  /** The input row at each position. */
  order: Uint32Array;
  partStart: Uint32Array;
  partEnd: Uint32Array;
  peerStart: Uint32Array;
  peerEnd: Uint32Array;
}

export function partitionLayout(batch: RecordBatch, partitionBy: readonly string[], orderBy: readonly SortKey[]): Layout {
  const n = batch.numRows;
  // Partitions by hash (their order does not matter), input order inside each; then each partition sorted on its own.
  const groups = groupRows(batch, partitionBy);
  const { start, order } = groupSegments(groups.groupOf, groups.count, Uint32Array.from({ length: n }, (_, i) => i));
  const compare = orderBy.length > 0 ? rowOrder(batch, orderBy) : undefined;
  const partStart = new Uint32Array(n);
  const partEnd = new Uint32Array(n);
  const peerStart = new Uint32Array(n);
  const peerEnd = new Uint32Array(n);
  const peers = orderBy.map((k) => keyColumn(batch, k.column, 'order_by'));
  for (let g = 0; g < groups.count; g++) {
    const first = start[g];
    const end = start[g + 1];
    if (compare) order.subarray(first, end).sort(compare);
    partStart.fill(first, first, end);
    partEnd.fill(end, first, end);
    let peer = first;
    for (let k = first + 1; k <= end; k++) {
      if (k < end && !peers.some((c) => c.get(order[k - 1]) !== c.get(order[k]))) continue;
      peerStart.fill(peer, peer, k);
      peerEnd.fill(k, peer, k);
      peer = k;
    }
  }
  return { order, partStart, partEnd, peerStart, peerEnd };
}

/** Each position's frame as positions `lo` … `hi` (inclusive; empty when lo > hi), inside its partition. */
export function frameBounds(layout: Layout, frame: { unit: 'rows' | 'range'; start: number; end: number }): { lo: Int32Array; hi: Int32Array } {
  const n = layout.order.length;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const { partStart, partEnd, peerStart, peerEnd } = layout;
  for (let k = 0; k < n; k++) {
    const first = partStart[k];
    const last = partEnd[k] - 1;
    if (frame.unit === 'range') {
      lo[k] = frame.start === -Infinity ? first : peerStart[k];
      hi[k] = frame.end === Infinity ? last : peerEnd[k] - 1;
      continue;
    }
    lo[k] = frame.start === -Infinity ? first : Math.max(first, Math.min(k + frame.start, last + 1));
    hi[k] = frame.end === Infinity ? last : Math.min(last, Math.max(k + frame.end, first - 1));
  }
  return { lo, hi };
}
