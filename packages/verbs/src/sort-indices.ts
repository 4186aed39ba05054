import type { RecordBatch } from 'apache-arrow';
import { orderColumnOf, type OrderColumn, type SortKey64 } from './order-column.js';

export interface SortKey {
  column: string;
  /** @default false */
  descending?: boolean;
  /** Where nulls go; by default last ascending and first descending (as in PostgreSQL). */
  nulls?: 'first' | 'last';
}

/** One batch's sort key columns, laid out for ordering (see `orderColumn`). */
export type RowKeys = readonly OrderColumn[];

/** The sort key columns of `batch`, in the order of `keys`. */
export function rowKeys(batch: RecordBatch, keys: readonly SortKey[]): RowKeys {
  return keys.map((k) => orderColumnOf(batch, k.column, 'sort'));
}

/**
 * A comparator of rows by `keys`: row `i` of one batch's keys against row `j` of another's (or
 * the same batch's). Per key ascending or descending, nulls first or last (by default last
 * ascending and first descending); 0 when every key is equal.
 */
export function rowComparator(keys: readonly SortKey[]): (a: RowKeys, i: number, b: RowKeys, j: number) => number {
  const signs = keys.map((k) => (k.descending ? -1 : 1));
  const nullRanks = keys.map((k) => ((k.nulls ?? (k.descending ? 'first' : 'last')) === 'first' ? -1 : 1));
  const n = keys.length;
  return (a, i, b, j) => {
    for (let k = 0; k < n; k++) {
      const x = a[k];
      const y = b[k];
      const xNull = x.isNull(i);
      if (xNull !== y.isNull(j)) return xNull ? nullRanks[k] : -nullRanks[k];
      if (xNull) continue;
      const c = x.compare(i, y, j);
      if (c !== 0) return signs[k] * c;
    }
    return 0;
  };
}

/**
 * A batch's rows placed by the first sort key alone, for a merge to compare rows of different
 * batches without calling the comparator: `rank` 0 for nulls placed first, 1 for values, 2 for
 * nulls placed last; values by `hi`, `lo` (already reversed for a descending key). Rows equal
 * on all three are equal on the key when `decides` (an exact key and the only one); otherwise
 * the comparator decides between them. Undefined for a key column without a 64-bit sort key.
 */
export interface SortPrefix {
  rank: Uint8Array;
  hi: Uint32Array;
  lo: Uint32Array;
  decides: boolean;
}

export function sortPrefix(columns: RowKeys, keys: readonly SortKey[]): SortPrefix | undefined {
  const first = columns[0];
  const key = first?.sortKey?.();
  if (!key) return undefined;
  const n = key.hi.length;
  const descending = keys[0].descending === true;
  const nullRank = (keys[0].nulls ?? (descending ? 'first' : 'last')) === 'first' ? 0 : 2;
  const rank = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) if (first.isNull(i)) rank[i] = nullRank;
  if (descending) {
    for (let i = 0; i < n; i++) {
      key.hi[i] = ~key.hi[i] >>> 0;
      key.lo[i] = ~key.lo[i] >>> 0;
    }
  }
  return { rank, hi: key.hi, lo: key.lo, decides: key.exact && keys.length === 1 };
}

/**
 * The row order of `batch` by the keys: a stable sort, so equal rows keep their input order.
 *
 * When the first key has a 64-bit sort key (numbers, 64-bit integers, dates, times, timestamps,
 * text and binary by their first 8 bytes: see `OrderColumn.sortKey`), its rows are ordered by a
 * least-significant-digit radix sort on that key (stable, no comparator calls), nulls placed
 * apart; only runs of rows whose keys tie (and the next keys decide, or the key is a prefix) are
 * then sorted with the comparator. Otherwise the comparator sorts all rows.
 */
export function sortIndices(batch: RecordBatch, keys: readonly SortKey[]): Uint32Array {
  const n = batch.numRows;
  const columns = rowKeys(batch, keys);
  const compare = rowComparator(keys);
  const byRows = (a: number, b: number) => compare(columns, a, columns, b) || a - b;
  if (n > 1 && columns.every((c) => c.sortKey)) {
    const all = columns.map((c) => c.sortKey!());
    if (all.every((k) => k.exact)) return radixByEveryKey(n, columns, all, keys);
  }
  const first = columns[0];
  const key = n > 1 && first?.sortKey ? first.sortKey() : undefined;
  if (!key) return Uint32Array.from({ length: n }, (_, i) => i).sort(byRows);
  const descending = keys[0].descending === true;
  const nullsFirst = (keys[0].nulls ?? (descending ? 'first' : 'last')) === 'first';
  // Valid rows in input order, radix-sorted by the key; null rows kept in input order.
  const order = new Uint32Array(n);
  const nullRows: number[] = [];
  let valid = 0;
  for (let i = 0; i < n; i++) {
    if (first.isNull(i)) nullRows.push(i);
    else order[valid++] = i;
  }
  if (descending) {
    for (let i = 0; i < n; i++) {
      key.hi[i] = ~key.hi[i] >>> 0;
      key.lo[i] = ~key.lo[i] >>> 0;
    }
  }
  const sorted = radixSort(order.subarray(0, valid), key.hi, key.lo);
  const out = new Uint32Array(n);
  const at = nullsFirst ? nullRows.length : 0;
  out.set(sorted, at);
  out.set(nullRows, nullsFirst ? 0 : valid);
  // Ties on the key: the other keys (or the whole value, for a prefix key) decide.
  if (keys.length > 1 || !key.exact) {
    for (let start = at; start < at + valid; ) {
      const hi = key.hi[out[start]];
      const lo = key.lo[out[start]];
      let end = start + 1;
      while (end < at + valid && key.hi[out[end]] === hi && key.lo[out[end]] === lo) end++;
      if (end - start > 1) out.subarray(start, end).sort(byRows);
      start = end;
    }
  }
  if (nullRows.length > 1 && keys.length > 1) out.subarray(nullsFirst ? 0 : valid, nullsFirst ? nullRows.length : n).sort(byRows);
  return out;
}

/**
 * Every row ordered by keys that all have exact 64-bit sort keys: radix passes from the least
 * significant key to the most (each stable, so the order is the composite one), a key's null
 * rows placed by one more pass on whether the row is null.
 */
function radixByEveryKey(n: number, columns: RowKeys, sortKeys: SortKey64[], keys: readonly SortKey[]): Uint32Array {
  let order: Uint32Array = Uint32Array.from({ length: n }, (_, i) => i);
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = sortKeys[k];
    if (keys[k].descending === true) {
      for (let i = 0; i < n; i++) {
        key.hi[i] = ~key.hi[i] >>> 0;
        key.lo[i] = ~key.lo[i] >>> 0;
      }
    }
    // Null rows share one key, so they keep the order the less significant keys gave them.
    const column = columns[k];
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      if (column.isNull(i)) {
        key.hi[i] = 0;
        key.lo[i] = 0;
        nulls++;
      }
    }
    order = radixSort(order, key.hi, key.lo);
    if (nulls === 0) continue;
    const nullsFirst = (keys[k].nulls ?? (keys[k].descending ? 'first' : 'last')) === 'first';
    const out = new Uint32Array(n);
    let valid = nullsFirst ? nulls : 0;
    let nul = nullsFirst ? 0 : n - nulls;
    for (let i = 0; i < n; i++) {
      const row = order[i];
      if (column.isNull(row)) out[nul++] = row;
      else out[valid++] = row;
    }
    order = out;
  }
  return order;
}

/**
 * `rows` ordered by their 64-bit keys (`hi`, `lo`, indexed by row), stably: four passes of 16
 * bits, least significant first, a pass skipped when every row has the same digit.
 */
function radixSort(rows: Uint32Array, hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const n = rows.length;
  let from: Uint32Array = rows;
  let to: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(65_536);
  for (let pass = 0; pass < 4; pass++) {
    const words = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(words[from[i]] >>> shift) & 0xffff]++;
    if (counts[(words[from[0]] >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65_536; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const row = from[i];
      to[counts[(words[row] >>> shift) & 0xffff]++] = row;
    }
    const t = from;
    from = to;
    to = t;
  }
  return from;
}

/**
 * A comparator of two rows of `batch` by the keys (each key's column laid out once, up front),
 * equal rows ordered by their index: sorting any set of row indices with it is stable.
 */
export function rowOrder(batch: RecordBatch, keys: readonly SortKey[]): (a: number, b: number) => number {
  const columns = rowKeys(batch, keys);
  const compare = rowComparator(keys);
  return (a, b) => compare(columns, a, columns, b) || a - b;
}
