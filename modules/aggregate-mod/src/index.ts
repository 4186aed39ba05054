import { Field, RecordBatch, Schema, Struct, Table, makeData, type Data } from 'apache-arrow';
import { AGGREGATE_HINT, compilePredicate, parseAggregates, parseExpression, takeRows } from '@pypeline/expr';
import { configIssuesError, defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { AggregateError, aggregateGroups, concatBatches, groupRows } from '@pypeline/verbs';
import type { Config } from './config.js';
import { aggregateSchemas, checkAggregate } from './output-schemas.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'aggregate_mod',
  type: 'mod',
  description: 'Groups rows by key columns and computes aggregates per group (SQL GROUP BY with DuckDB\'s functions: counts, sums, statistics, quantiles, lists; DISTINCT and HAVING)',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['group_count'],
  outputSchemas: aggregateSchemas,
  async run(inputs, ctx) {
    const input = requireInput(inputs, 'input', 'aggregate_mod', 'connect a data edge to it, e.g. "source.data - totals.input"');
    const where = `aggregate_mod (${ctx.moduleId})`;
    const groupBy = ctx.config.group_by ?? [];
    const table = await input.table();
    // The build-time check, now on the real input: every problem at once.
    const { output: schema, problems } = checkAggregate(ctx.config, table.schema);
    if (problems.length > 0 || !schema) throw configIssuesError(where, problems, AGGREGATE_HINT);
    const all = concatBatches(table.schema, table.batches);
    const groups = groupRows(all, groupBy);
    const keyColumns = all.selectAt(groupBy.map((k) => all.schema.names.indexOf(k)));
    // An empty input has no rows to gather keys from (and Arrow may give its columns no buffers).
    const keys = all.numRows === 0 ? keyColumns : takeRows(keyColumns, groups.firstRow);
    const columns = parseAggregates(ctx.config.aggregates).specs.map((spec) => computed(where, spec.name, () => aggregateGroups(all, groups, spec)));
    const fields = schema.fields.map((f, i) => new Field(f.name, i < groupBy.length ? f.type : columns[i - groupBy.length].type, f.nullable, f.metadata));
    const grouped = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: groups.count, nullCount: 0, children: [...keys.data.children, ...columns] }));
    const kept = ctx.config.having === undefined ? grouped : having(grouped, ctx.config.having);
    ctx.setGlobal('group_count', groups.count);
    ctx.logger.info('aggregated', { rows_in: all.numRows, groups: groups.count, rows_out: kept.numRows });
    return { output: new Table(kept.schema, [kept]) };
  },
});

function computed(where: string, name: string, run: () => Data): Data {
  try {
    return run();
  } catch (error) {
    if (error instanceof AggregateError) throw new ModuleError(`${where}: aggregates.${name}: ${error.message}`, { retryable: false, hint: error.hint });
    throw error;
  }
}

/** HAVING: the groups for which the condition (checked already against the output columns) is true. */
function having(batch: RecordBatch, condition: string): RecordBatch {
  const { expr } = parseExpression(condition);
  const rows = compilePredicate(expr!, batch.schema)(batch);
  return rows.length === batch.numRows ? batch : takeRows(batch, rows);
}
