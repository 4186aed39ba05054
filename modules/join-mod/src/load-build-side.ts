import type { RecordBatch } from 'apache-arrow';
import { ModuleError, type Artifact } from '@pypeline/sdk';
import { concatBatches } from '@pypeline/verbs';

/** What the hash table costs per right row beyond the row's Arrow buffers (Map entry, row list, key). */
const TABLE_BYTES_PER_ROW = 64;

/**
 * The right input as one batch for the hash table. With a `budgetBytes` (lookup mode) its size
 * is counted batch by batch as it loads, and loading stops with an error as soon as it is over,
 * before the left side is read at all.
 */
export async function loadBuildSide(right: Artifact, budgetBytes: number | undefined, signal: AbortSignal): Promise<RecordBatch> {
  const batches: RecordBatch[] = [];
  let bytes = 0;
  let rows = 0;
  for await (const batch of right.batches()) {
    signal.throwIfAborted();
    batches.push(batch);
    rows += batch.numRows;
    bytes += batch.data.children.reduce((n, d) => n + d.byteLength, 0) + batch.numRows * TABLE_BYTES_PER_ROW;
    if (budgetBytes !== undefined && bytes > budgetBytes) {
      const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
      throw new ModuleError(`join_mod lookup: the right input is over its memory budget of ${mb(budgetBytes)} (${mb(bytes)} after ${rows} rows, and still loading)`, {
        retryable: false,
        hint: 'raise lookup_max_mb, filter or select fewer columns of the right input first, put the smaller input on the right, or set lookup: false to load it whatever its size',
      });
    }
  }
  return concatBatches(right.schema, batches);
}
