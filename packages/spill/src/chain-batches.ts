import type { RecordBatch } from 'apache-arrow';

/**
 * Batches already taken from a stream (in memory, or read back from a spill file), then the
 * rest of that stream's iterator: what an operator that read part of its input before changing
 * strategy hands on. The iterator is closed when the chain ends, fails or is closed early.
 */
export async function* chainBatches(first: Iterable<RecordBatch>, rest: AsyncIterator<RecordBatch>): AsyncGenerator<RecordBatch> {
  try {
    yield* first;
    for (let step = await rest.next(); !step.done; step = await rest.next()) yield step.value;
  } finally {
    await rest.return?.();
  }
}
