import { Field, Float64, makeData, RecordBatch, Schema, Struct, type Data } from 'apache-arrow';
import { ExprError } from '@pypeline/expr';
import { configIssuesError, defineModule, ModuleError, requireInput, type ModuleContext } from '@pypeline/sdk';
import { batchBytes, externalSort, partitionedRun, spillOptionsOf } from '@pypeline/spill';
import { parseSortKeys } from '@pypeline/verbs';
import type { Config } from './config.js';
import { computeWindows, type WindowPlan } from './compute-windows.js';
import { WindowSumOverflow } from './frame-aggregates.js';
import { checkWindow, windowSchemas } from './output-schemas.js';
import { WINDOW_HINT } from './window-functions.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'window_mod',
  type: 'mod',
  description: 'SQL window functions over partitions: row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag/lead, first/last/nth_value and framed count/sum/avg/min/max (rows in input order; partitions out of core beyond the memory budget)',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['row_count'],
  outputSchemas: windowSchemas,
  async run(inputs, ctx) {
    const input = requireInput(inputs, 'input', 'window_mod', 'connect a data edge to it, e.g. "source.data - ranked.input"');
    const where = `window_mod (${ctx.moduleId})`;
    // The build-time check, now on the real input: every problem at once.
    const { output, columns, problems } = checkWindow(ctx.config, input.schema);
    if (problems.length > 0 || !output) throw configIssuesError(where, problems, WINDOW_HINT);
    const plan: WindowPlan = { partitionBy: ctx.config.partition_by ?? [], orderBy: parseSortKeys(ctx.config.order_by ?? [], 'last'), columns, output };
    const rows = windowRows(input.batches(), input.schema, plan, ctx, where);
    async function* counted(): AsyncGenerator<RecordBatch> {
      let count = 0;
      for await (const batch of rows) {
        count += batch.numRows;
        yield batch;
      }
      ctx.setGlobal('row_count', count);
      ctx.logger.info('windows computed', { rows: count, columns: columns.map((c) => c.name) });
    }
    return { output: Object.assign(counted(), { schema: output }) };
  },
});

/**
 * The output rows, in input order. Input that fits ctx.memoryBudget is computed at once. Beyond
 * it, with partition_by, the rows (numbered) are hash-partitioned to disk by @pypeline/spill's
 * partitionedRun, each partition computed on its own, and the result sorted back into input
 * order by externalSort on the numbers. Without partition_by every row is in one partition,
 * which is computed in memory whatever its size (said in the log).
 */
async function* windowRows(batches: AsyncIterable<RecordBatch>, schema: Schema, plan: WindowPlan, ctx: ModuleContext<Config>, where: string): AsyncGenerator<RecordBatch> {
  const spill = spillOptionsOf(ctx);
  if (plan.partitionBy.length === 0) {
    const held: RecordBatch[] = [];
    let bytes = 0;
    for await (const batch of batches) {
      ctx.signal.throwIfAborted();
      held.push(batch);
      bytes += batchBytes(batch);
    }
    if (bytes > ctx.memoryBudget) ctx.logger.info('window_mod has no partition_by: its one partition is computed in memory, beyond the memory budget', { bytes, memory_budget: ctx.memoryBudget });
    yield computed(where, () => computeWindows(schema, held, plan));
    return;
  }
  const row = rowColumnName(schema);
  const numbered = new Schema([...schema.fields, new Field(row, new Float64(), false)], schema.metadata);
  let spilled = false;
  const parts = partitionedRun({
    ...spill,
    inputs: { input: { batches: numberRows(batches, numbered), schema: numbered, keys: plan.partitionBy } },
    process: ({ input }, info) => {
      spilled ||= info.partition >= 0;
      return computed(where, () => computeWindows(numbered, input.batches, plan));
    },
  });
  const first = await parts.next();
  if (first.done) return;
  const withRow = first.value.schema;
  const rowIndex = schema.fields.length;
  const drop = (batch: RecordBatch) => batch.selectAt(withRow.fields.map((_, i) => i).filter((i) => i !== rowIndex));
  if (!spilled) {
    yield drop(first.value);
    for await (const batch of parts) yield drop(batch);
    return;
  }
  async function* all(): AsyncGenerator<RecordBatch> {
    yield first.value as RecordBatch;
    yield* parts;
  }
  for await (const batch of externalSort(all(), { ...spill, schema: withRow, keys: [{ column: row }] })) yield drop(batch);
}

/** A name for the row numbers that no input column has. */
function rowColumnName(schema: Schema): string {
  let name = '__window_row';
  while (schema.names.includes(name)) name = `_${name}`;
  return name;
}

async function* numberRows(batches: AsyncIterable<RecordBatch>, schema: Schema): AsyncGenerator<RecordBatch> {
  let at = 0;
  for await (const batch of batches) {
    const numbers = new Float64Array(batch.numRows);
    for (let i = 0; i < numbers.length; i++) numbers[i] = at + i;
    at += batch.numRows;
    const row: Data = makeData({ type: new Float64(), length: numbers.length, nullCount: 0, data: numbers });
    yield new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children: [...batch.data.children, row] }));
  }
}

function computed(where: string, run: () => RecordBatch): RecordBatch {
  try {
    return run();
  } catch (error) {
    if (error instanceof WindowSumOverflow) throw new ModuleError(`${where}: ${error.message}`, { retryable: false, hint: error.hint });
    if (error instanceof ExprError) throw new ModuleError(`${where}: ${error.diagnostics.map((d) => d.message).join('; ')}`, { retryable: false, hint: error.diagnostics.find((d) => d.hint)?.hint });
    throw error;
  }
}
