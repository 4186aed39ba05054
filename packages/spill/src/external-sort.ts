import { makeData, RecordBatch, Schema, Struct, type Data } from 'apache-arrow';
import { batchBytes, concatBatches, concatData, sortIndices, takeRows, type SortKey } from '@pypeline/verbs';
import { interleavable, interleaveRows } from './interleave-rows.js';
import { mergeRuns } from './merge-runs.js';
import { SpillArea } from './spill-area.js';
import { readSpillFile, SpillFileWriter } from './spill-file.js';
import type { SpillOptions } from './spill-options.js';

export interface ExternalSortOptions extends SpillOptions {
  /** The input's schema (an empty input gives no batches). */
  schema: Schema;
  /** Sort keys, most significant first (`sortIndices`' keys: asc/desc, nulls first/last). */
  keys: readonly SortKey[];
  /**
   * Rows per output batch once spilled, and per chunk of a spill file.
   * @default 65536
   */
  batchRows?: number;
  /**
   * Bytes of input a spilled run is sorted by at a time (its pieces are then merged as the run
   * is written): gathering rows in key order reads at random, which stays in the processor's
   * cache within a piece.
   * @default 8 MiB
   */
  pieceBytes?: number;
}

/**
 * Sorts record batches under a memory budget; a stable sort, equal rows keep their input order.
 * Input that fits in `memoryBudget` is sorted in memory and comes back as one batch. Larger
 * input is cut into sorted runs of about half the budget, each written to an Arrow IPC file,
 * then merged k ways and yielded in batches of `batchRows`. The spill folder is removed when
 * the generator finishes, fails, is aborted or is closed early.
 */
export async function* externalSort(input: AsyncIterable<RecordBatch>, options: ExternalSortOptions): AsyncGenerator<RecordBatch> {
  const { schema, keys, signal } = options;
  const batchRows = options.batchRows ?? 65_536;
  const pieceBytes = options.pieceBytes ?? 8 * 1024 * 1024;
  const runBytes = Math.max(1, options.memoryBudget / 2);
  let held: RecordBatch[] = [];
  let heldBytes = 0;
  let area: SpillArea | undefined;
  const runs: SpillFileWriter[] = [];
  try {
    for await (const batch of input) {
      signal?.throwIfAborted();
      if (batch.numRows === 0) continue;
      held.push(batch);
      heldBytes += batchBytes(batch);
      if (heldBytes > options.memoryBudget || (runs.length > 0 && heldBytes > runBytes)) {
        area ??= SpillArea.open(options.tempDir, 'sort');
        runs.push(writeRun(area, schema, keys, held, batchRows, pieceBytes));
        held = [];
        heldBytes = 0;
      }
    }
    signal?.throwIfAborted();
    if (runs.length === 0) {
      if (held.length === 0) return;
      const rows = held.reduce((n, b) => n + b.numRows, 0);
      const [sorted] = sortedChunks(schema, keys, held, rows);
      held = [];
      yield sorted;
      return;
    }
    if (held.length > 0) runs.push(writeRun(area!, schema, keys, held, batchRows, pieceBytes));
    held = [];
    options.logger?.info('sort spilled to disk', {
      runs: runs.length,
      rows: runs.reduce((n, r) => n + r.rows, 0),
      bytes: runs.reduce((n, r) => n + r.bytes, 0),
      disk_bytes: runs.reduce((n, r) => n + r.diskBytes, 0),
      memory_budget: options.memoryBudget,
    });
    yield* mergeRuns(schema, keys, runs.map((run) => readSpillFile(run.path, run.rows)), batchRows, signal);
  } finally {
    for (const run of runs) run.close();
    area?.remove();
  }
}

/**
 * Sorts the held batches and writes them as one run, in chunks of `batchRows`: in pieces of
 * about `pieceBytes` (a batch is not split), merged as they are written, each read in order.
 * `held` is emptied as the pieces are sorted, so memory holds the input about once.
 */
function writeRun(area: SpillArea, schema: Schema, keys: readonly SortKey[], held: RecordBatch[], batchRows: number, pieceBytes: number): SpillFileWriter {
  const run = new SpillFileWriter(area.file('run'));
  const pieces: RecordBatch[][] = [];
  while (held.length > 0) {
    let take = 0;
    for (let bytes = 0; take < held.length && (take === 0 || bytes + batchBytes(held[take]) <= pieceBytes); take++) bytes += batchBytes(held[take]);
    const piece = held.splice(0, take);
    pieces.push(pieces.length === 0 && held.length === 0 ? piece : [...sortedChunks(schema, keys, piece, batchRows)]);
  }
  const chunks = pieces.length === 1 ? sortedChunks(schema, keys, pieces[0], batchRows) : mergeRuns(schema, keys, pieces, batchRows);
  for (const chunk of chunks) run.write(chunk);
  run.close();
  return run;
}

/**
 * The rows of `held` in sorted order, in batches of `batchRows`. Only the key columns are put
 * together to be sorted; each batch is gathered from the held batches themselves, so sorting
 * holds the input, its keys and one batch, not a second copy of the input. (Batches that are
 * slices, or hold nested or dictionary columns, are concatenated once and gathered from.)
 */
function* sortedChunks(schema: Schema, keys: readonly SortKey[], held: RecordBatch[], batchRows: number): Generator<RecordBatch> {
  if (!interleavable(schema, held)) {
    const all = concatBatches(schema, held);
    const order = sortIndices(all, keys);
    // One gather per chunk: compact batches, and no second copy of the whole run.
    for (let at = 0; at < order.length; at += batchRows) yield takeRows(all, order.subarray(at, Math.min(order.length, at + batchRows)));
    return;
  }
  const order = sortIndices(keyColumns(schema, keys, held), keys);
  // Global row g is row g - starts[s] of held[s], s = sourceOf[g].
  const sourceOf = new Uint32Array(order.length);
  const starts = new Uint32Array(held.length);
  for (let s = 0, at = 0; s < held.length; at += held[s].numRows, s++) {
    starts[s] = at;
    sourceOf.fill(s, at, at + held[s].numRows);
  }
  for (let at = 0; at < order.length; at += batchRows) {
    const n = Math.min(batchRows, order.length - at);
    const from = new Uint32Array(n);
    const rows = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const g = order[at + i];
      from[i] = sourceOf[g];
      rows[i] = g - starts[from[i]];
    }
    yield interleaveRows(schema, held, from, rows);
  }
}

/** The key columns of `batches`, concatenated into one batch. */
function keyColumns(schema: Schema, keys: readonly SortKey[], batches: readonly RecordBatch[]): RecordBatch {
  const indices = [...new Set(keys.map((k) => schema.names.indexOf(k.column)))].filter((i) => i !== -1);
  const fields = indices.map((i) => schema.fields[i]);
  const children = indices.map((i) => concatData(batches.map((b) => b.data.children[i] as Data)));
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length, nullCount: 0, children }));
}
