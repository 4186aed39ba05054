import type { RecordBatch, Schema } from 'apache-arrow';
import { HashAggregate, type AggregateSpec, type HashAggregateResult } from '@pypeline/verbs';
import { partitionedRun } from './partitioned-run.js';
import type { SpillOptions } from './spill-options.js';

export interface HashAggregateRunOptions extends SpillOptions {
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>;
  schema: Schema;
  /** The GROUP BY columns (none: one group of every row). */
  keys: readonly string[];
  /** The aggregates; each must fold by group (`foldsByGroup` of @pypeline/verbs). */
  calls: readonly AggregateSpec[];
  /** Builds the output batch from a result (all the groups, or one partition's). */
  finish: (result: HashAggregateResult) => RecordBatch;
  vars?: (name: string) => unknown;
}

/**
 * GROUP BY in one pass over the input, within a memory budget: rows are folded into a hash
 * table of the groups (HashAggregate), so memory follows the groups, not the rows. When the
 * groups outgrow `memoryBudget`, their partial states are handed on and a new table started;
 * the partial states are then spilled by key (`partitionedRun`) and merged partition by
 * partition, so each group's states meet once. Yields the output: one batch when nothing
 * spilled (groups in order of first appearance), else one per partition.
 */
export async function* hashAggregateRun(options: HashAggregateRunOptions): AsyncGenerator<RecordBatch> {
  const { schema, keys, calls, vars } = options;
  let table = new HashAggregate(schema, keys, calls, false, vars);
  const partialSchema = table.partialSchema;
  let handedOn = 0;
  async function* partials(): AsyncGenerator<RecordBatch> {
    for await (const batch of options.batches) {
      options.signal?.throwIfAborted();
      table.add(batch);
      if (table.bytes <= options.memoryBudget || keys.length === 0) continue;
      if (handedOn === 0) options.logger?.info('group-by states outgrew the memory budget; merging them by partition', { groups: table.groups, bytes: table.bytes, memory_budget: options.memoryBudget });
      handedOn++;
      yield table.partial();
      table = new HashAggregate(schema, keys, calls, false, vars);
    }
    // Nothing handed on: every group is still in `table`, and its result is the output.
    if (handedOn > 0) yield table.partial();
  }
  const merged = partitionedRun({
    inputs: { states: { batches: partials(), schema: partialSchema, keys } },
    memoryBudget: options.memoryBudget,
    tempDir: options.tempDir,
    signal: options.signal,
    logger: options.logger,
    process: ({ states }) => {
      if (states.numRows === 0) return [];
      const merging = HashAggregate.merging(schema, keys, calls, vars);
      for (const batch of states.batches) merging.add(batch);
      return options.finish(merging.result());
    },
  });
  yield* merged;
  if (handedOn === 0) yield options.finish(table.result());
}
