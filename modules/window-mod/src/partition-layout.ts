import type { RecordBatch } from 'apache-arrow';
import { keyColumn, sortIndices, type KeyColumn, type SortKey } from '@pypeline/verbs';

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
  const keys: SortKey[] = [...partitionBy.map((column) => ({ column })), ...orderBy];
  const order = keys.length === 0 ? Uint32Array.from({ length: n }, (_, i) => i) : sortIndices(batch, keys);
  const partStart = new Uint32Array(n);
  const partEnd = new Uint32Array(n);
  const peerStart = new Uint32Array(n);
  const peerEnd = new Uint32Array(n);
  const parts = partitionBy.map((c) => keyColumn(batch, c, 'partition_by'));
  const peers = orderBy.map((k) => keyColumn(batch, k.column, 'order_by'));
  const differ = (columns: KeyColumn[], a: number, b: number) => columns.some((c) => c.get(a) !== c.get(b));
  let part = 0;
  let peer = 0;
  for (let k = 1; k <= n; k++) {
    const newPart = k === n || differ(parts, order[k - 1], order[k]);
    if (newPart || differ(peers, order[k - 1], order[k])) {
      peerStart.fill(peer, peer, k);
      peerEnd.fill(k, peer, k);
      peer = k;
    }
    if (newPart) {
      partStart.fill(part, part, k);
      partEnd.fill(k, part, k);
      part = k;
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
