import { RecordBatch, Table } from 'apache-arrow';
import type { Artifact, ModuleOutput } from './artifact.js';

let counter = 0;

/** An artifact held entirely in memory. */
export class MemoryArtifact implements Artifact {
  readonly uri: string;
  constructor(private readonly data: Table) {
    this.uri = `memory://artifact-${++counter}`;
  }
  get numRows(): number {
    return this.data.numRows;
  }
  get schema() {
    return this.data.schema;
  }
  async table(): Promise<Table> {
    return this.data;
  }
  async *batches(): AsyncIterable<RecordBatch> {
    yield* this.data.batches;
  }
}

export function isArtifact(value: unknown): value is Artifact {
  return (
    typeof value === 'object' && value !== null &&
    typeof (value as Artifact).table === 'function' &&
    typeof (value as Artifact).batches === 'function' &&
    typeof (value as Artifact).uri === 'string'
  );
}

/** Collects any module output into one Arrow table (an artifact's data is read as is). */
export async function toTable(output: ModuleOutput): Promise<Table> {
  if (output instanceof Table) return output;
  if (isArtifact(output)) return output.table();
  const batches: RecordBatch[] = [];
  if (Array.isArray(output)) batches.push(...output);
  else for await (const batch of output) batches.push(batch);
  return new Table(batches);
}
