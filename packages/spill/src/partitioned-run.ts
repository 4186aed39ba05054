import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { batchBytes, concatBatches, takeRows } from '@pypeline/verbs';
import { partitionOf } from './hash-partition.js';
import { SpillArea } from './spill-area.js';
import { readSpillFile, SpillFileWriter } from './spill-file.js';
import type { SpillOptions } from './spill-options.js';

/** One input of a partitioned run: its batches and the key columns that partition them. */
export interface PartitionInput {
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>;
  schema: Schema;
  /** Key columns; every input must give the same number, in matching order (join keys pair up). */
  keys: readonly string[];
}

/** Which part of the data a `process` call sees. */
export interface PartitionInfo {
  /** -1 when all the data fit in memory and `process` sees it whole; else the partition's index. */
  partition: number;
  /** 0 for the first split; 1, 2 for a partition that was too big and was split again. */
  depth: number;
}

/** What `process` returns: the rows it made from one partition (or from all the data). */
export type PartitionOutput = Table | RecordBatch | RecordBatch[] | AsyncIterable<RecordBatch> | Iterable<RecordBatch>;

export interface PartitionedRunOptions<I extends string> extends SpillOptions {
  /** The inputs, by name (`{ input }` for group-by or distinct, `{ left, right }` for a join). */
  inputs: Record<I, PartitionInput>;
  /**
   * Does the operator's work on tables that hold every row with a given key (on all inputs).
   * Called once with all the data when it fits in the budget, else once per partition.
   */
  process: (tables: Record<I, Table>, info: PartitionInfo) => PartitionOutput | Promise<PartitionOutput>;
  /**
   * Partitions per split. A partition still larger than the budget is split again (with
   * another hash), up to `maxDepth` times; past that (one key holds more rows than fit) it is
   * processed in memory anyway, with a log line saying so.
   * @default 16
   */
  partitions?: number;
  /** @default 2 */
  maxDepth?: number;
}

/**
 * Runs `process` over data grouped by key, within a memory budget: buffers the inputs while
 * they fit and calls `process` once; when they outgrow `memoryBudget`, hash-partitions every
 * input by its keys into spill files (Arrow IPC) and calls `process` once per partition, so
 * equal keys (null included) always meet in one call. Yields what `process` returns, partition
 * after partition; the order of rows across partitions is not the in-memory order. The spill
 * folder is removed when the generator finishes, fails, is aborted or is closed early.
 */
export async function* partitionedRun<I extends string>(options: PartitionedRunOptions<I>): AsyncGenerator<RecordBatch> {
  const names = Object.keys(options.inputs) as I[];
  const held = Object.fromEntries(names.map((n) => [n, [] as RecordBatch[]])) as Record<I, RecordBatch[]>;
  let heldBytes = 0;
  let area: SpillArea | undefined;
  let split: Split<I> | undefined;
  try {
    for (const name of names) {
      for await (const batch of options.inputs[name].batches) {
        options.signal?.throwIfAborted();
        if (batch.numRows === 0) continue;
        if (split) {
          split.add(name, batch);
          continue;
        }
        held[name].push(batch);
        heldBytes += batchBytes(batch);
        if (heldBytes > options.memoryBudget) {
          area = SpillArea.open(options.tempDir, 'partitions');
          split = new Split(area, options, 0, 0x2545f491);
          for (const n of names) for (const b of held[n].splice(0)) split.add(n, b);
        }
      }
    }
    options.signal?.throwIfAborted();
    if (!split) {
      const tables = Object.fromEntries(names.map((n) => [n, new Table(options.inputs[n].schema, held[n].splice(0))])) as Record<I, Table>;
      yield* outputOf(await options.process(tables, { partition: -1, depth: 0 }));
      return;
    }
    yield* split.finish();
  } finally {
    split?.close();
    area?.remove();
  }
}

/** The inputs spread over `partitions` files each, by a hash of their keys. */
class Split<I extends string> {
  private readonly writers: Record<I, SpillFileWriter[]>;
  /** Per input and partition: the rows (`indices` of `batch`) not yet written, gathered once when flushed. */
  private readonly pending: Record<I, Pending[]>;
  private readonly names: I[];
  private readonly count: number;

  constructor(
    private readonly area: SpillArea,
    private readonly options: PartitionedRunOptions<I>,
    private readonly depth: number,
    private readonly seed: number,
  ) {
    this.names = Object.keys(options.inputs) as I[];
    this.count = options.partitions ?? 16;
    this.writers = Object.fromEntries(this.names.map((n) => [n, Array.from({ length: this.count }, () => new SpillFileWriter(area.file(n)))])) as Record<I, SpillFileWriter[]>;
    this.pending = Object.fromEntries(this.names.map((n) => [n, Array.from({ length: this.count }, (): Pending => ({ pieces: [], rows: 0 }))])) as Record<I, Pending[]>;
  }

  add(name: I, batch: RecordBatch): void {
    const part = partitionOf(batch, this.options.inputs[name].keys, this.count, this.seed);
    // The batch's rows ordered by partition (a stable counting sort), gathered once: each
    // column is read while it is in cache and written in order, and each partition's rows are
    // then a slice. (Gathering each partition's rows later from the batches they came in reads
    // memory that has left the cache, row by row.)
    const starts = new Uint32Array(this.count + 1);
    for (let i = 0; i < part.length; i++) starts[part[i] + 1]++;
    for (let p = 0; p < this.count; p++) starts[p + 1] += starts[p];
    const order = new Uint32Array(part.length);
    const at = starts.slice(0, this.count);
    for (let i = 0; i < part.length; i++) order[at[part[i]]++] = i;
    let whole = false;
    for (let p = 0; p < this.count; p++) if (starts[p + 1] - starts[p] === part.length) whole = true;
    const grouped = whole ? batch : takeRows(batch, order);
    for (let p = 0; p < this.count; p++) {
      const size = starts[p + 1] - starts[p];
      if (size === 0) continue;
      const pending = this.pending[name][p];
      pending.pieces.push(size === batch.numRows ? grouped : grouped.slice(starts[p], starts[p + 1]));
      pending.rows += size;
      // Small pieces are gathered first, so the files hold chunks of a useful size.
      if (pending.rows >= 16_384) this.flush(name, p);
    }
  }

  private flush(name: I, p: number): void {
    const pending = this.pending[name][p];
    if (pending.rows === 0) return;
    this.writers[name][p].write(concatBatches(this.options.inputs[name].schema, pending.pieces));
    pending.pieces = [];
    pending.rows = 0;
  }

  close(): void {
    for (const n of this.names) for (const w of this.writers[n]) w.close();
  }

  /** Processes each partition (splitting again the ones still too big) and yields the output. */
  async *finish(): AsyncGenerator<RecordBatch> {
    for (const n of this.names) for (let p = 0; p < this.count; p++) this.flush(n, p);
    this.close();
    const { options, names } = this;
    const bytes = (p: number) => names.reduce((sum, n) => sum + this.writers[n][p].bytes, 0);
    options.logger?.info('spilled to disk in partitions', {
      partitions: this.count,
      depth: this.depth,
      rows: names.reduce((sum, n) => sum + this.writers[n].reduce((r, w) => r + w.rows, 0), 0),
      bytes: Array.from({ length: this.count }, (_, p) => bytes(p)).reduce((a, b) => a + b, 0),
      disk_bytes: names.reduce((sum, n) => sum + this.writers[n].reduce((r, w) => r + w.diskBytes, 0), 0),
      memory_budget: options.memoryBudget,
    });
    for (let p = 0; p < this.count; p++) {
      options.signal?.throwIfAborted();
      const read = (n: I) => readSpillFile(this.writers[n][p].path, this.writers[n][p].rows);
      if (bytes(p) > options.memoryBudget && this.depth < (options.maxDepth ?? 2)) {
        const area = this.area.sub(`p${p}`);
        const again = new Split(area, options, this.depth + 1, Math.imul(this.seed ^ (p + 1), 0x9e3779b1) >>> 0);
        try {
          for (const n of names) for (const b of read(n)) again.add(n, b);
          yield* again.finish();
        } finally {
          again.close();
          area.remove();
        }
        continue;
      }
      if (bytes(p) > options.memoryBudget) options.logger?.info('a partition is larger than the memory budget after every split (a key with many rows); processing it in memory', { partition: p, bytes: bytes(p), memory_budget: options.memoryBudget });
      // Batches read back carry the schema they were written with (an IPC copy of the input's).
      const tables = Object.fromEntries(names.map((n) => [n, tableOf(options.inputs[n].schema, [...read(n)])])) as Record<I, Table>;
      yield* outputOf(await options.process(tables, { partition: p, depth: this.depth }));
    }
  }
}

interface Pending {
  /** Slices of batches ordered by partition: this partition's rows, not yet written. */
  pieces: RecordBatch[];
  rows: number;
}

function tableOf(schema: Schema, batches: RecordBatch[]): Table {
  return batches.length > 0 ? new Table(batches) : new Table(schema);
}

// Duck-typed: `process` may build its tables with its own copy of apache-arrow.
async function* outputOf(output: PartitionOutput): AsyncGenerator<RecordBatch> {
  if (Array.isArray((output as Table).batches)) yield* (output as Table).batches;
  else if ((output as RecordBatch).data && (output as RecordBatch).schema) yield output as RecordBatch;
  else yield* output as AsyncIterable<RecordBatch>;
}
