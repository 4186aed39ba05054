import type { RecordBatch, Schema, Table } from 'apache-arrow';

/** An opaque handle to tabular data flowing between modules, held in memory or spilled to Parquet. */
export interface Artifact {
  readonly numRows: number;
  /** `memory://<id>` or `file:///.../<id>.parquet`. */
  readonly uri: string;
  readonly schema: Schema;
  /** The whole table (read back from Parquet when spilled). */
  table(): Promise<Table>;
  /** The data as a stream of record batches, without materialising the whole table when spilled. */
  batches(): AsyncIterable<RecordBatch>;
}

/** What a module may return on an output port. */
export type ModuleOutput = Artifact | Table | RecordBatch[] | AsyncIterable<RecordBatch>;

export interface ArtifactManager {
  /** Stores data in memory or spills it to Parquet, by the run's storage policy. */
  register(data: ModuleOutput): Promise<Artifact>;
}
