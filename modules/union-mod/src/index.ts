import { RecordBatch, Struct, makeData, type Schema } from 'apache-arrow';
import { defineModule, ModuleError, requireInputList, type Artifact, type ModuleContext } from '@pypeline/sdk';
import { castData, concatBatches, groupRows, nullData, takeRows } from '@pypeline/verbs';
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
    const stacked = stack(plan, list, ctx);
    if (!config.distinct) return { output: Object.assign(stacked, { schema: plan.schema }) };
    const batches: RecordBatch[] = [];
    for await (const batch of stacked) batches.push(batch);
    return { output: [distinctRows(plan.schema, batches, ctx)] };
  },
});

/**
 * Every input's batches in connection order, each laid out as the output: columns picked by the
 * plan, widened with castData (no copy when the type already agrees), nulls where an input lacks
 * a column. One batch at a time, so nothing is held whole; an empty batch when no input has a row.
 */
async function* stack(plan: UnionPlan, inputs: Artifact[], ctx: ModuleContext<Config>): AsyncGenerator<RecordBatch> {
  const { schema } = plan;
  let rows = 0;
  let yielded = false;
  for (const [i, input] of inputs.entries()) {
    let n = 0;
    for await (const batch of input.batches()) {
      ctx.signal.throwIfAborted();
      if (batch.numRows === 0 && yielded) continue;
      const children = schema.fields.map((f, c) => (plan.sources[i][c] < 0 ? nullData(f.type, batch.numRows) : castData(batch.data.children[plan.sources[i][c]], f.type)));
      n += batch.numRows;
      yielded = true;
      yield new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
    }
    ctx.logger.debug('stacked input', { input: i, rows: n });
    rows += n;
  }
  if (!yielded) yield concatBatches(schema, []);
  ctx.setGlobal('row_count', rows);
  ctx.logger.info('stacked', { inputs: inputs.length, rows });
}

/** SQL UNION: the first of each set of equal rows (nulls equal), in input order. */
function distinctRows(schema: Schema, batches: RecordBatch[], ctx: ModuleContext<Config>): RecordBatch {
  const all = concatBatches(schema, batches);
  const groups = groupRows(all, schema.names as string[]);
  const kept = groups.count === all.numRows ? all : (takeRows(all, groups.firstRow) as RecordBatch);
  ctx.setGlobal('row_count', kept.numRows);
  ctx.logger.info('kept distinct rows', { rows_in: all.numRows, rows: kept.numRows });
  return kept;
}
