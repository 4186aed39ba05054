import { Field, RecordBatch, Schema, Struct, Table, Utf8, makeData, makeVector, type Data } from 'apache-arrow';
import { defineModule, ModuleError, requireInput, type ConfigIssue } from '@pypeline/sdk';
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
    const table = await input.table();
    const { plan, problems } = planPivot(config, table.schema);
    if (!plan) throw configError(where, problems);
    const all = concatBatches(table.schema, table.batches);
    const text = castData(all.data.children[table.schema.names.indexOf(config.pivot)], new Utf8());
    const values = config.values?.map(String) ?? discover(text, config.max_columns, where, config.pivot);
    const { schema, problems: clash } = pivotSchema(plan, table.schema, values);
    if (!schema) throw configError(where, clash);
    const out = pivot(plan, all, text, values, schema, where);
    ctx.setGlobal('row_count', out.numRows);
    ctx.setGlobal('column_count', values.length);
    ctx.logger.info('pivoted', { rows_in: all.numRows, rows: out.numRows, columns: values.length });
    return { output: new Table(schema, [out]) };
  },
});

function configError(where: string, problems: ConfigIssue[]): ModuleError {
  return new ModuleError(`${where}: ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: problems.find((p) => p.hint)?.hint });
}

/** The distinct non-null pivot texts sorted by code point (DuckDB's order for discovered values), at most `max`. */
function discover(text: Data, max: number, where: string, pivot: string): string[] {
  const seen = new Set<string>();
  const vector = makeVector(text);
  for (let i = 0; i < text.length; i++) {
    const v = vector.get(i) as string | null;
    if (v !== null) seen.add(v);
  }
  if (seen.size > max) {
    throw new ModuleError(`${where}: the pivot column "${pivot}" has ${seen.size} distinct values, more than max_columns (${max})`, { retryable: false, hint: 'list the values you want as columns in values, or raise max_columns' });
  }
  return [...seen].sort(byCodePoint);
}

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
