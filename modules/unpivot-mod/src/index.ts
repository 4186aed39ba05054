import { Field, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray, type Data } from 'apache-arrow';
import { defineModule, ModuleError, requireInput, type ModuleContext } from '@pypeline/sdk';
import { castData, concatBatches, concatData, takeRows, validity } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';
import { unpivotSchemas } from './output-schemas.js';
import { planUnpivot, type UnpivotPlan } from './plan-unpivot.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'unpivot_mod',
  type: 'mod',
  description: 'Turns columns into rows of a name and a value column, the other columns repeated (DuckDB UNPIVOT, Talend tNormalize); null values give no row unless include_nulls',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['row_count'],
  outputSchemas: unpivotSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'unpivot_mod', 'connect a data edge to it, e.g. "source.data - rows.input"');
    const { plan, problems } = planUnpivot(config, input.schema);
    if (!plan) {
      throw new ModuleError(`unpivot_mod (${ctx.moduleId}): ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: problems[0].hint });
    }
    const stream = unpivotStream(plan, input.batches(), config.include_nulls, ctx);
    return { output: Object.assign(stream, { schema: plan.schema }) };
  },
});

/** Batch by batch: each input row becomes one row per unpivoted column (in their order), nothing held whole. */
async function* unpivotStream(plan: UnpivotPlan, batches: AsyncIterable<RecordBatch>, includeNulls: boolean, ctx: ModuleContext<Config>): AsyncGenerator<RecordBatch> {
  let rows = 0;
  let yielded = false;
  for await (const batch of batches) {
    ctx.signal.throwIfAborted();
    const out = unpivotBatch(plan, batch, includeNulls);
    if (out.numRows === 0 && yielded) continue;
    rows += out.numRows;
    yielded = true;
    yield out;
  }
  if (!yielded) yield concatBatches(plan.schema, []);
  ctx.setGlobal('row_count', rows);
  ctx.logger.info('unpivoted', { columns: plan.unpivoted.length, rows });
}

function unpivotBatch(plan: UnpivotPlan, batch: RecordBatch, includeNulls: boolean): RecordBatch {
  const n = batch.numRows;
  const k = plan.unpivoted.length;
  const valueField = plan.schema.fields[plan.schema.fields.length - 1];
  // The unpivoted columns, widened to the value type and stacked: column c's row r is at c * n + r.
  const casted = plan.unpivoted.map((i) => castData(batch.data.children[i], valueField.type));
  const valid = casted.map((d) => validity(d));
  const rowOf: number[] = [];
  const stackedAt: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      if (!includeNulls && !valid[c](r)) continue;
      rowOf.push(r);
      stackedAt.push(c * n + r);
    }
  }
  const names = plan.unpivoted.map((i) => batch.schema.fields[i].name);
  const keptFields = plan.kept.map((i) => batch.schema.fields[i]);
  const keptBatch = new RecordBatch(new Schema(keptFields), makeData({ type: new Struct(keptFields), length: n, nullCount: 0, children: plan.kept.map((i) => batch.data.children[i]) }));
  const kept = takeRows(keptBatch, Uint32Array.from(rowOf)) as RecordBatch;
  const stackField = new Field('v', valueField.type, true);
  const stacked = new RecordBatch(new Schema([stackField]), makeData({ type: new Struct([stackField]), length: n * k, nullCount: 0, children: [n * k === 0 ? casted[0] : concatData(casted)] }));
  const values = takeRows(stacked, Uint32Array.from(stackedAt)) as RecordBatch;
  const nameData: Data = vectorFromArray(stackedAt.map((at) => names[Math.floor(at / Math.max(n, 1))]), new Utf8()).data[0];
  const children = [...kept.data.children, nameData, values.data.children[0]];
  return new RecordBatch(plan.schema, makeData({ type: new Struct(plan.schema.fields), length: rowOf.length, nullCount: 0, children }));
}
