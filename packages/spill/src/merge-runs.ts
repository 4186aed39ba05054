import type { RecordBatch, Schema } from 'apache-arrow';
import { rowComparator, rowKeys, sortPrefix, type RowKeys, type SortKey, type SortPrefix } from '@pypeline/verbs';
import { interleaveRows } from './interleave-rows.js';

/** A run being merged: its current chunk and row. */
interface Cursor {
  run: number;
  chunks: Iterator<RecordBatch>;
  batch: RecordBatch;
  keys: RowKeys;
  /** The first key as ranks and 64-bit keys, when it has them: most rows are placed by it alone. */
  prefix: SortPrefix | undefined;
  row: number;
  /** The index of `batch` among the sources of the output batch being built; -1 when not yet among them. */
  source: number;
}

/**
 * Merges sorted runs (each its chunks in order: read back from a spill file, or held) into
 * batches of `batchRows`, holding one chunk per run. Ties go to the earlier run, and runs are
 * in input order, so the merge keeps the sort stable.
 */
export function* mergeRuns(schema: Schema, keys: readonly SortKey[], runs: readonly Iterable<RecordBatch>[], batchRows: number, signal?: AbortSignal): Generator<RecordBatch> {
  const compare = rowComparator(keys);
  const before = (a: Cursor, b: Cursor) => {
    const p = a.prefix;
    const q = b.prefix;
    if (p !== undefined && q !== undefined) {
      const i = a.row;
      const j = b.row;
      if (p.rank[i] !== q.rank[j]) return p.rank[i] < q.rank[j];
      if (p.rank[i] === 1) {
        if (p.hi[i] !== q.hi[j]) return p.hi[i] < q.hi[j];
        if (p.lo[i] !== q.lo[j]) return p.lo[i] < q.lo[j];
      }
      if (p.decides) return a.run < b.run;
    }
    const c = compare(a.keys, a.row, b.keys, b.row);
    return c < 0 || (c === 0 && a.run < b.run);
  };
  const cursorKeys = (batch: RecordBatch) => {
    const columns = rowKeys(batch, keys);
    return { keys: columns, prefix: sortPrefix(columns, keys) };
  };
  const heap: Cursor[] = [];
  for (const [run, chunked] of runs.entries()) {
    const chunks = chunked[Symbol.iterator]();
    const first = chunks.next();
    if (!first.done) heap.push({ run, chunks, batch: first.value, ...cursorKeys(first.value), row: 0, source: -1 });
  }
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i, before);
  let sources: Cursor[] = [];
  let sourceBatches: RecordBatch[] = [];
  let from = new Uint32Array(batchRows);
  let rows = new Uint32Array(batchRows);
  let n = 0;
  const flush = () => {
    const out = interleaveRows(schema, sourceBatches, from.subarray(0, n), rows.subarray(0, n));
    for (const c of sources) c.source = -1;
    sources = [];
    sourceBatches = [];
    from = new Uint32Array(batchRows);
    rows = new Uint32Array(batchRows);
    n = 0;
    return out;
  };
  try {
    while (heap.length > 0) {
      const top = heap[0];
      if (top.source === -1) {
        top.source = sources.length;
        sources.push(top);
        sourceBatches.push(top.batch);
      }
      from[n] = top.source;
      rows[n] = top.row;
      n++;
      if (++top.row === top.batch.numRows) {
        // The chunk is used up: it stays a source of this output batch, the cursor moves on.
        const next = top.chunks.next();
        if (next.done) {
          heap[0] = heap[heap.length - 1];
          heap.pop();
        } else {
          const old = sources.indexOf(top);
          if (old !== -1) sources[old] = { ...top };
          top.batch = next.value;
          Object.assign(top, cursorKeys(next.value));
          top.row = 0;
          top.source = -1;
        }
      }
      if (heap.length > 0) siftDown(heap, 0, before);
      if (n === batchRows) {
        signal?.throwIfAborted();
        yield flush();
      }
    }
    if (n > 0) yield flush();
  } finally {
    for (const c of heap) c.chunks.return?.(undefined);
  }
}

function siftDown(heap: Cursor[], i: number, before: (a: Cursor, b: Cursor) => boolean): void {
  const n = heap.length;
  const item = heap[i];
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const child = r < n && before(heap[r], heap[l]) ? r : l;
    if (!before(heap[child], item)) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = item;
}
