import { Table, type RecordBatch } from 'apache-arrow';
import { isArtifact, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';

/**
 * `RunOptions.limit`: a source's outputs capped at `limit` rows each. Streams are cut lazily,
 * and reading stops (the source's iterator is returned, so it closes its file or cursor) once
 * the limit is reached: a source over a large input reads only the sample.
 */
export function limitOutputs(outputs: ModuleOutputs, limit: number): ModuleOutputs {
  return Object.fromEntries(Object.entries(outputs).map(([port, output]) => [port, limitOutput(output, limit)]));
}

function limitOutput(output: ModuleOutput, limit: number): ModuleOutput {
  if (output instanceof Table) return output.numRows <= limit ? output : output.slice(0, limit);
  if (isArtifact(output)) return output.numRows <= limit ? output : limitBatches(output.batches(), limit);
  if (Array.isArray(output)) return limitBatchList(output, limit);
  return limitBatches(output, limit);
}

function limitBatchList(batches: RecordBatch[], limit: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  let left = limit;
  for (const batch of batches) {
    if (left <= 0) break;
    out.push(batch.numRows > left ? batch.slice(0, left) : batch);
    left -= batch.numRows;
  }
  return out;
}

async function* limitBatches(batches: AsyncIterable<RecordBatch>, limit: number): AsyncGenerator<RecordBatch> {
  let left = limit;
  // Leaving the loop early returns the source's iterator, which ends its reading.
  for await (const batch of batches) {
    if (batch.numRows >= left) {
      yield batch.slice(0, left);
      return;
    }
    left -= batch.numRows;
    yield batch;
  }
}
