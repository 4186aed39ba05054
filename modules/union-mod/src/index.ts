import { RecordBatch, Struct, makeData, type Schema, type Table } from 'apache-arrow';
import { defineModule, ModuleError, requireInputList, type Artifact, type ModuleContext } from '@pypeline/sdk';
import { partitionedRun, spillOptionsOf } from '@pypeline/spill';
import { castData, concatBatches, distinctRows, nullData, takeRows } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';
import { unionSchemas } from './output-schemas.js';
import { planUnion, type UnionPlan } from './plan-union.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'union_mod',
  type: 'mod',
  description: 'Stacks the rows of any number of inputs, in connection order (SQL UNION ALL BY NAME, Talend tUnite): columns matched by name or position, types widened as DuckDB does, optionally distinct',
  category: 'Transforms',
  inputPorts: ['inputs'],
  manyInputPorts: ['inputs'],
  outputPorts: ['output'],
  globals: ['row_count'],
  outputSchemas: unionSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const list = requireInputList(inputs, 'inputs', 'union_mod', 'connect one or more data edges to it, e.g. "a.data - all.inputs" and "b.data - all.inputs"');
    const { plan, problems } = planUnion(list.map((a) => a.schema), config.by_name);
    if (!plan) {
      throw new ModuleError(`union_mod (${ctx.moduleId}) cannot stack its inputs: ${problems.map((p) => p.message).join('; ')}`, { retryable: false, hint: problems[0].hint });
    }
    const counts = { rows: 0, out: 0 };
    const stacked = stack(plan, list, ctx, counts);
    const output = config.distinct ? distinct(plan.schema, stacked, ctx) : stacked;
    return { output: Object.assign(counted(output, plan.schema, ctx, counts, config.distinct), { schema: plan.schema }) };
  },
});

/**
 * Every input's batches in connection order, each laid out as the output: columns picked by the
 * plan, widened with castData (no copy when the type already agrees), nulls where an input lacks
 * a column; empty batches dropped. One batch at a time, so nothing is held whole.
 */
async function* stack(plan: UnionPlan, inputs: Artifact[], ctx: ModuleContext<Config>, counts: { rows: number }): AsyncGenerator<RecordBatch> {
  const { schema } = plan;
  for (const [i, input] of inputs.entries()) {
    let n = 0;
    for await (const batch of input.batches()) {
      ctx.signal.throwIfAborted();
      if (batch.numRows === 0) continue;
      const children = schema.fields.map((f, c) => (plan.sources[i][c] < 0 ? nullData(f.type, batch.numRows) : castData(batch.data.children[plan.sources[i][c]], f.type)));
      n += batch.numRows;
      yield new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
    }
    ctx.logger.debug('stacked input', { input: i, rows: n });
    counts.rows += n;
  }
  ctx.logger.info('stacked', { inputs: inputs.length, rows: counts.rows });
}

/**
 * SQL UNION: one row of each set of equal rows (nulls equal). Equal rows meet in one partition
 * of the shared out-of-core run (spilled past the memory budget), each deduplicated with
 * distinct_mod's kernel; in memory the first of each in input order is kept.
 */
function distinct(schema: Schema, stacked: AsyncIterable<RecordBatch>, ctx: ModuleContext<Config>): AsyncIterable<RecordBatch> {
  const keys = schema.names as string[];
  return partitionedRun({
    inputs: { input: { batches: stacked, schema, keys } },
    ...spillOptionsOf(ctx),
    process: ({ input: table }: { input: Table }) => {
      const all = concatBatches(schema, table.batches);
      const { kept } = distinctRows(all, keys, 'first');
      return kept.length === all.numRows ? all : (takeRows(all, kept) as RecordBatch);
    },
  });
}

/**
 * The output batches laid out as `schema` (a spilled partition comes back with an IPC copy of
 * it), empty ones dropped but one when there is no row; `row_count` set at the end.
 */
async function* counted(batches: AsyncIterable<RecordBatch>, schema: Schema, ctx: ModuleContext<Config>, counts: { rows: number; out: number }, distinct: boolean): AsyncGenerator<RecordBatch> {
  let yielded = false;
  for await (const batch of batches) {
    if (batch.numRows === 0 && yielded) continue;
    yielded = true;
    counts.out += batch.numRows;
    yield batch.schema === schema ? batch : new RecordBatch(schema, batch.data);
  }
  if (!yielded) yield concatBatches(schema, []);
  ctx.setGlobal('row_count', counts.out);
  if (distinct) ctx.logger.info('kept distinct rows', { rows_in: counts.rows, rows: counts.out });
}
