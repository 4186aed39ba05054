import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatch, Schema, Table } from 'apache-arrow';
import { isArtifact, MemoryArtifact, ModuleError, toTable, usableMemory, type Artifact, type ArtifactManager, type ModuleOutput } from '@pypeline/sdk';
import { createSpillDir } from './spill-dir.js';
import { parquet } from './parquet.js';

export interface SpillPolicy {
  /** Artifacts with more rows go to Parquet. */
  threshold_rows: number;
  /** Spill when the process RSS exceeds this share of total memory. */
  max_ram_share: number;
  /** `execution_mode: memory`: every output is materialised whole in memory and never spilled. */
  in_memory?: boolean;
}

/** The store's policy for a flow's settings. */
export function artifactPolicy(settings: { spill: Omit<SpillPolicy, 'in_memory'>; execution_mode: string }): SpillPolicy {
  return { ...settings.spill, in_memory: settings.execution_mode === 'memory' };
}

/** An artifact spilled to a local Parquet file; read back on demand, row group by row group. */
export class ParquetArtifact implements Artifact {
  constructor(
    readonly path: string,
    readonly numRows: number,
    readonly schema: Schema,
  ) {}
  get uri(): string {
    return `file://${this.path}`;
  }
  table(): Promise<Table> {
    return parquet().then((p) => p.readParquetFile(this.path));
  }
  async *batches(): AsyncIterable<RecordBatch> {
    yield* (await (await parquet()).openParquetBatches(this.path)).batches();
  }
}

/** What the run learns about a stream as it flows: its row count when it ends, or its error. */
export interface StreamHooks {
  /** Names the producer in errors, e.g. `source_csv (csv_source)`. */
  producer: string;
  onEnd?(rows: number): void;
  /** A batch of `rows` rows was handed to the reader (progress displays count them). */
  onBatch?(rows: number): void;
  onError?(error: unknown): void;
  /** The stream was closed before its end (its reader stopped or failed): the producer should release its own inputs. */
  onClose?(): void;
  /**
   * The run's signal. A producer that stops because the run was cancelled ends its stream early;
   * once this signal has aborted, that end reaches the reader as the abort, never as the end of
   * the data (a sink would otherwise commit a partial file or table).
   */
  signal?: AbortSignal;
}

/**
 * An error raised inside a stream, carried to the module that reads it. It names the
 * producer, and it is not retryable: the stream cannot be read again.
 */
export class StreamError extends ModuleError {
  constructor(
    readonly producer: string,
    readonly original: unknown,
  ) {
    const cause = original as { message?: string; hint?: string };
    super(`${producer}: ${cause?.message ?? String(original)}`, { retryable: false, hint: cause?.hint, cause: original });
    this.name = 'StreamError';
  }
}

let streamCounter = 0;

/**
 * A stream of record batches flowing from its producer to one consumer without being
 * materialised. Rows are counted as batches pass; `numRows` is final once the stream ended.
 * `batches()` may be called once; `table()` collects the stream (through the store's spill
 * policy) and may be called again.
 */
export class StreamArtifact implements Artifact {
  readonly uri = `stream://artifact-${++streamCounter}`;
  private rows = 0;
  private read = false;
  /** The producer has ended or was closed: onEnd was called. */
  private settled = false;
  private whole: Promise<Artifact> | undefined;

  constructor(
    readonly schema: Schema,
    private readonly source: AsyncIterator<RecordBatch>,
    private readonly first: RecordBatch | undefined,
    private readonly hooks: StreamHooks,
    private readonly materialise: (batches: AsyncIterable<RecordBatch>, schema: Schema) => Promise<Artifact>,
  ) {}

  get numRows(): number {
    return this.rows;
  }

  batches(): AsyncIterable<RecordBatch> {
    if (this.whole) return this.fromWhole();
    if (this.read) {
      throw new ModuleError(`the stream from ${this.hooks.producer} was already read; a stream has one reader and cannot be read twice`, {
        retryable: false,
        hint: 'a module reading a stream cannot be retried; to read an output twice, connect it to two modules (it is then stored, in memory or spilled to Parquet)',
      });
    }
    this.read = true;
    return this.flow();
  }

  async table(): Promise<Table> {
    this.whole ??= this.materialise(this.batches(), this.schema);
    return (await this.whole).table();
  }

  /**
   * Closes the producer of a stream its reader left unfinished (its file handles, its pool tasks);
   * the producer is then done. Safe to call at any time, and more than once.
   */
  close(): void {
    this.read = true;
    if (this.settled) return;
    // WARNING: a reader that failed after asking for `batches()` but before iterating never runs
    // flow()'s finally; without this the producer (and the run waiting for it) would wait forever.
    void Promise.resolve(this.source.return?.(undefined)).catch(() => {});
    this.settle();
    this.hooks.onClose?.();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.hooks.onEnd?.(this.rows);
  }

  private async *fromWhole(): AsyncIterable<RecordBatch> {
    yield* (await this.whole!).batches();
  }

  private async *flow(): AsyncGenerator<RecordBatch> {
    let ended = false;
    try {
      if (this.first) {
        this.rows += this.first.numRows;
        this.hooks.onBatch?.(this.first.numRows);
        yield this.first;
      }
      for (;;) {
        let step: IteratorResult<RecordBatch>;
        try {
          step = await this.source.next();
        } catch (error) {
          this.hooks.onError?.(error);
          throw error instanceof StreamError ? error : new StreamError(this.hooks.producer, error);
        }
        if (step.done) {
          this.hooks.signal?.throwIfAborted();
          break;
        }
        this.rows += step.value.numRows;
        this.hooks.onBatch?.(step.value.numRows);
        yield step.value;
      }
      ended = true;
    } finally {
      // A reader that stops early still ends the stream: the producer is closed and counted.
      const early = !ended && !this.settled;
      if (early) await this.source.return?.(undefined);
      this.settle();
      if (early) this.hooks.onClose?.();
    }
  }
}

/** Where one output goes, so the store can pick pass-through or storage. */
export interface OutputUse {
  /** Modules reading it through data connections. */
  readers: number;
  /** True when it is read whole after its sub flow (an ITERATE list). */
  whole?: boolean;
}

/**
 * The run's artifact manager (the spec's policy): memory by default, Parquet in a temp
 * folder above the row threshold or when the process uses too much RAM (never under
 * `execution_mode: memory`, where every output is also materialised whole). A stream with one
 * reader passes through untouched; a stream with several readers, or read whole, is stored
 * by the same policy, batch by batch, so it never has to fit in memory to be spilled.
 */
export class ArtifactStore {
  private dir: string | undefined;
  private spills = 0;
  private readonly streams: StreamArtifact[] = [];

  constructor(
    private readonly policy: SpillPolicy,
    private readonly onSpill: (uri: string, rows: number) => void,
  ) {}

  /** A manager bound to one node, so spills are reported with it. */
  forNode(onSpill: (uri: string, rows: number) => void): ArtifactManager {
    return { register: (data) => this.register(data, onSpill) };
  }

  async register(data: ModuleOutput, onSpill = this.onSpill, use: OutputUse = { readers: 1 }, hooks?: StreamHooks): Promise<Artifact> {
    if (isArtifact(data) && !(data instanceof MemoryArtifact)) return data;
    if (!isStream(data)) return this.store(await toTable(data), onSpill);
    const { schema, first, source } = await openStream(data);
    const materialise = (batches: AsyncIterable<RecordBatch>, s: Schema) => this.storeStream(batches, s, onSpill);
    const stream = new StreamArtifact(schema, source, first, hooks ?? { producer: 'a module' }, materialise);
    this.streams.push(stream);
    if (use.readers === 1 && !use.whole && !this.policy.in_memory) return stream;
    return materialise(stream.batches(), schema);
  }

  private async store(table: Table, onSpill: (uri: string, rows: number) => void): Promise<Artifact> {
    if (!this.shouldSpill(table.numRows)) return new MemoryArtifact(table);
    const path = this.spillPath();
    await (await parquet()).writeParquetFile(path, table, { compression: 'snappy' });
    onSpill(`file://${path}`, table.numRows);
    return new ParquetArtifact(path, table.numRows, table.schema);
  }

  /** Keeps batches in memory until the policy says spill; then writes them and the rest to Parquet. */
  private async storeStream(batches: AsyncIterable<RecordBatch>, schema: Schema, onSpill: (uri: string, rows: number) => void): Promise<Artifact> {
    const held: RecordBatch[] = [];
    let rows = 0;
    const iterator = batches[Symbol.asyncIterator]();
    for (;;) {
      const step = await iterator.next();
      if (step.done) return new MemoryArtifact(new Table(schema, held));
      held.push(step.value);
      rows += step.value.numRows;
      if (this.shouldSpill(rows)) break;
    }
    const path = this.spillPath();
    async function* all(): AsyncGenerator<RecordBatch> {
      yield* held.splice(0);
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) yield step.value;
    }
    const written = await (await parquet()).writeParquetStream(path, all(), { compression: 'snappy', schema });
    onSpill(`file://${path}`, written.rows);
    return new ParquetArtifact(path, written.rows, schema);
  }

  private spillPath(): string {
    this.dir ??= createSpillDir();
    return join(this.dir, `artifact-${++this.spills}.parquet`);
  }

  private shouldSpill(rows: number): boolean {
    if (this.policy.in_memory) return false;
    if (rows > this.policy.threshold_rows) return true;
    return rows > 0 && process.memoryUsage.rss() / usableMemory() > this.policy.max_ram_share;
  }

  /** A fresh folder inside the run's spill folder (`ctx.tempDir()`); removed with it by `cleanup()`. */
  tempDir(label: string): string {
    this.dir ??= createSpillDir();
    return mkdtempSync(join(this.dir, `${label.replace(/[^A-Za-z0-9_.-]/g, '_')}-`));
  }

  /** Closes streams nobody read and removes the spill folder; called when the run ends. */
  cleanup(): void {
    for (const stream of this.streams.splice(0)) stream.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

function isStream(data: ModuleOutput): data is AsyncIterable<RecordBatch> {
  return !(data instanceof Table) && !Array.isArray(data) && !isArtifact(data) && typeof (data as AsyncIterable<RecordBatch>)[Symbol.asyncIterator] === 'function';
}

/**
 * The stream's schema: its `schema` property when it has one, else that of its first batch
 * (read now, and yielded first later). A stream with neither has an empty schema.
 */
async function openStream(data: AsyncIterable<RecordBatch>): Promise<{ schema: Schema; first?: RecordBatch; source: AsyncIterator<RecordBatch> }> {
  const source = data[Symbol.asyncIterator]();
  // Duck-typed: a module may bring its own copy of apache-arrow.
  const declared = (data as { schema?: Schema }).schema;
  if (declared && Array.isArray(declared.fields)) return { schema: declared, source };
  const step = await source.next();
  if (step.done) return { schema: new Schema([]), source };
  return { schema: step.value.schema, first: step.value, source };
}
