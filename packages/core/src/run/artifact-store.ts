import { mkdtempSync, rmSync } from 'node:fs';
import { freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { RecordBatch, Table, type Schema } from 'apache-arrow';
import { readParquetFile, writeParquetFile } from '@pypeline/parquet';
import { isArtifact, MemoryArtifact, toTable, type Artifact, type ArtifactManager, type ModuleOutput } from '@pypeline/sdk';

export interface SpillPolicy {
  /** Artifacts with more rows go to Parquet. */
  threshold_rows: number;
  /** Spill when the process RSS exceeds this share of total memory. */
  max_ram_share: number;
}

/** An artifact spilled to a local Parquet file; read back on demand. */
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
    return readParquetFile(this.path);
  }
  async *batches(): AsyncIterable<RecordBatch> {
    yield* (await this.table()).batches;
  }
}

let spillCounter = 0;

/**
 * The run's artifact manager (the spec's policy): memory by default, Parquet in a temp
 * folder above the row threshold or when the process uses too much RAM.
 */
export class ArtifactStore {
  private dir: string | undefined;

  constructor(
    private readonly policy: SpillPolicy,
    private readonly onSpill: (uri: string, rows: number) => void,
  ) {}

  /** A manager bound to one node, so spills are reported with it. */
  forNode(onSpill: (uri: string, rows: number) => void): ArtifactManager {
    return { register: (data) => this.register(data, onSpill) };
  }

  async register(data: ModuleOutput, onSpill = this.onSpill): Promise<Artifact> {
    if (isArtifact(data) && !(data instanceof MemoryArtifact)) return data;
    const table = await toTable(data);
    if (!this.shouldSpill(table.numRows)) return new MemoryArtifact(table);
    this.dir ??= mkdtempSync(join(tmpdir(), 'pypeline_'));
    const path = join(this.dir, `artifact-${++spillCounter}.parquet`);
    await writeParquetFile(path, table, { compression: 'snappy' });
    onSpill(`file://${path}`, table.numRows);
    return new ParquetArtifact(path, table.numRows, table.schema);
  }

  private shouldSpill(rows: number): boolean {
    if (rows > this.policy.threshold_rows) return true;
    const share = process.memoryUsage.rss() / totalmem();
    return rows > 0 && share > this.policy.max_ram_share && freemem() > 0;
  }

  /** Removes the spill folder; called when the run ends. */
  cleanup(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
