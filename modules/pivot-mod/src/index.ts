import { Field, RecordBatch, Schema, Struct, Table, Utf8, makeData, makeVector, type Data } from 'apache-arrow';
import { defineModule, ModuleError, requireInput, type ConfigIssue } from '@pypeline/sdk';
import { partitionedRun, spillOptionsOf } from '@pypeline/spill';
import { AggregateError, aggregateGroups, castData, concatBatches, groupRows, takeRows, type Groups } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';
import { pivotSchemas } from './output-schemas.js';
import { pivotSchema, planPivot, type PivotPlan } from './plan-pivot.js';

export type { Config } from './config.js';

// The pivot value as text rides along under a name no input column can have.
const PIVOT_TEXT = '\u0000pivot';

export default defineModule<Config>({
  name: 'pivot_mod',
  type: 'mod',
  description: 'Turns the values of one column into columns, one row per group with an aggregate in each (DuckDB PIVOT, Talend tDenormalize)',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['row_count', 'column_count'],
  outputSchemas: pivotSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const where = `pivot_mod (${ctx.moduleId})`;
    const input = requireInput(inputs, 'input', 'pivot_mod', 'connect a data edge to it, e.g. "sales.data - by_month.input"');
    const { plan, problems } = planPivot(config, input.schema);
    if (!plan) throw configError(where, problems);
    const at = input.schema.names.indexOf(config.pivot);
    // Values to discover are gathered as the input is read, which is done (spilled or held)
    // before the first group is pivoted.
    const seen = config.values ? undefined : new Set<string>();
    let read = 0;
    async function* batches(): AsyncGenerator<RecordBatch> {
      for await (const batch of input.batches()) {
        read += batch.numRows;
        if (seen) discover(castData(batch.data.children[at], new Utf8()), seen, read, config, where);
        yield batch;
      }
    }
    const layoutOf = (values: string[]) => {
      const { schema, problems: clash } = pivotSchema(plan, input.schema, values);
      if (!schema) throw configError(where, clash);
      return { values, schema };
    };
    // Listed values give the output schema now; discovered ones once the input is read.
    let layout = config.values ? layoutOf(config.values.map(String)) : undefined;
    const counts = { rows: 0, out: 0 };
    const pivotTable = (table: Table): RecordBatch => {
      layout ??= layoutOf([...seen!].sort(byCodePoint));
      const all = concatBatches(table.schema, table.batches);
      const out = pivot(plan, all, castData(all.data.children[at], new Utf8()), layout.values, layout.schema, where);
      counts.rows += all.numRows;
      counts.out += out.numRows;
      return out;
    };
    const done = () => {
      ctx.setGlobal('row_count', counts.out);
      ctx.setGlobal('column_count', layout!.values.length);
      ctx.logger.info('pivoted', { rows_in: counts.rows, rows: counts.out, columns: layout!.values.length });
    };
    if (plan.groupBy.length === 0) {
      // One output row for the whole input: nothing to partition by, so it is computed in memory.
      const held: RecordBatch[] = [];
      for await (const batch of batches()) held.push(batch);
      const out = pivotTable(new Table(input.schema, held));
      done();
      return { output: new Table(out.schema, [out]) };
    }
    // Every row of a group meets in one partition: pivoting partition by partition gives the
    // rows of the whole input (in partition order, once spilled).
    const partitions = partitionedRun({
      inputs: { input: { batches: batches(), schema: input.schema, keys: plan.groupBy } },
      ...spillOptionsOf(ctx),
      process: ({ input: table }) => pivotTable(table),
    });
    async function* output(): AsyncGenerator<RecordBatch> {
      let yielded = false;
      for await (const batch of partitions) {
        if (yielded && batch.numRows === 0) continue;
        yielded = true;
        yield batch.schema === layout!.schema ? batch : new RecordBatch(layout!.schema, batch.data);
      }
      done();
    }
    return { output: Object.assign(output(), layout ? { schema: layout.schema } : {}) };
  },
});

function configError(where: string, problems: ConfigIssue[]): ModuleError {
  return new ModuleError(`${where}: ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: problems.find((p) => p.hint)?.hint });
}

/** Adds the non-null pivot texts of one batch to `seen`; more than max_columns of them is an error naming the count so far. */
function discover(text: Data, seen: Set<string>, rows: number, config: Config, where: string): void {
  const vector = makeVector(text);
  for (let i = 0; i < text.length; i++) {
    const v = vector.get(i) as string | null;
    if (v !== null) seen.add(v);
  }
  const max = config.max_columns ?? DEFAULTS.max_columns;
  if (seen.size > max) {
    throw new ModuleError(`${where}: the pivot column "${config.pivot}" has more distinct values than max_columns (${max}): ${seen.size} in its first ${rows} rows`, { retryable: false, hint: 'list the values you want as columns in values, or raise max_columns' });
  }
}

/** Discovered values in DuckDB's order: by code point. */
function byCodePoint(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i].codePointAt(0)! - y[i].codePointAt(0)!;
  return x.length - y.length;
}

/**
 * Rows grouped by group_by, and again by group_by plus the pivot text; the aggregate runs once
 * over the finer groups (aggregate_mod's kernel), and each cell takes its finer group's value, or
 * that of one extra group with no rows when the group has no row for the value (so a count is 0
 * and a sum null, as DuckDB's PIVOT gives).
 */
function pivot(plan: PivotPlan, all: RecordBatch, text: Data, values: string[], schema: Schema, where: string): RecordBatch {
  const textField = new Field(PIVOT_TEXT, new Utf8(), true);
  const withText = new RecordBatch(new Schema([...all.schema.fields, textField]), makeData({ type: new Struct([...all.schema.fields, textField]), length: all.numRows, nullCount: 0, children: [...all.data.children, text] }));
  const outer = groupRows(all, plan.groupBy);
  const rows = all.numRows === 0 && plan.groupBy.length > 0 ? 0 : outer.count;
  const inner = groupRows(withText, [...plan.groupBy, PIVOT_TEXT]);
  const empty = inner.count;
  const column = new Map(values.map((v, j) => [v, j]));
  const cells = new Uint32Array(rows * values.length).fill(empty);
  const texts = makeVector(text);
  for (let c = 0; c < inner.count && all.numRows > 0; c++) {
    const r = inner.firstRow[c];
    const j = column.get(texts.get(r) as string);
    if (j !== undefined) cells[outer.groupOf[r] * values.length + j] = c;
  }
  const groups: Groups = { groupOf: inner.groupOf, firstRow: Uint32Array.from([...(all.numRows === 0 ? [] : inner.firstRow), 0]), count: empty + 1 };
  let aggregated: Data;
  try {
    aggregated = aggregateGroups(all, groups, plan.call);
  } catch (error) {
    if (error instanceof AggregateError) throw new ModuleError(`${where}: aggregate: ${error.message}`, { retryable: false, hint: error.hint });
    throw error;
  }
  const valueField = new Field('v', aggregated.type, true);
  const result = new RecordBatch(new Schema([valueField]), makeData({ type: new Struct([valueField]), length: aggregated.length, nullCount: 0, children: [aggregated] }));
  const keyBatch = all.selectAt(plan.groupBy.map((k) => all.schema.names.indexOf(k)));
  const keys = rows === 0 ? concatBatches(keyBatch.schema, []) : takeRows(keyBatch, outer.firstRow.subarray(0, rows));
  const columns = values.map((_, j) => takeRows(result, Uint32Array.from({ length: rows }, (__, g) => cells[g * values.length + j])).data.children[0]);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children: [...keys.data.children, ...columns] }));
}
