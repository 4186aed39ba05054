import type { RecordBatch } from 'apache-arrow';
import { ModuleError, type Artifact } from '@pypeline/sdk';
import { chainBatches } from '@pypeline/spill';
import { concatBatches } from '@pypeline/verbs';

/** What the hash table costs per right row beyond the row's Arrow buffers (Map entry, row list, key). */
const TABLE_BYTES_PER_ROW = 64;

/**
 * The right input as one batch for the hash table. With a `budgetBytes` its size is counted
 * batch by batch as it loads. In lookup mode (`lookup`) loading stops with an error as soon as
 * it is over, before the left side is read at all; otherwise the batches read so far and the
 * rest of the input come back as `rest`, for a partitioned join.
 */
export async function loadBuildSide(right: Artifact, budgetBytes: number | undefined, signal: AbortSignal, lookup: boolean): Promise<{ batch: RecordBatch } | { rest: AsyncIterable<RecordBatch> }> {
  const batches: RecordBatch[] = [];
  let bytes = 0;
  let rows = 0;
  const source = right.batches()[Symbol.asyncIterator]();
  for (let step = await source.next(); !step.done; step = await source.next()) {
    signal.throwIfAborted();
    const batch = step.value;
    batches.push(batch);
    rows += batch.numRows;
    bytes += batch.data.children.reduce((n, d) => n + d.byteLength, 0) + batch.numRows * TABLE_BYTES_PER_ROW;
    if (budgetBytes === undefined || bytes <= budgetBytes) continue;
    if (!lookup) return { rest: chainBatches(batches.splice(0), source) };
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
    throw new ModuleError(`join_mod lookup: the right input is over its memory budget of ${mb(budgetBytes)} (${mb(bytes)} after ${rows} rows, and still loading)`, {
      retryable: false,
      hint: 'raise lookup_max_mb, filter or select fewer columns of the right input first, put the smaller input on the right, or set lookup: false to load it whatever its size',
    });
  }
  return { batch: concatBatches(right.schema, batches) };
}
