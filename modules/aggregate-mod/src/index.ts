import { Field, RecordBatch, Schema, Struct, Table, makeData } from 'apache-arrow';
import { AGGREGATE_HINT, parseAggregates } from '@pypeline/expr';
import { defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { concatBatches, groupRows, takeRows, UnknownColumnError, type Groups } from '@pypeline/verbs';
import { aggregateColumn } from './aggregate-columns.js';
import type { Config } from './config.js';
import { aggregateSchemas } from './output-schemas.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'aggregate_mod',
  type: 'mod',
  description: 'Groups rows by key columns and computes count, sum, avg, min, max, first and last per group (SQL GROUP BY)',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['group_count'],
  outputSchemas: aggregateSchemas,
  async run(inputs, ctx) {
    const input = requireInput(inputs, 'input', 'aggregate_mod', 'connect a data edge to it, e.g. "source.data - totals.input"');
    const groupBy = ctx.config.group_by ?? [];
    const { specs, problems } = parseAggregates(ctx.config.aggregates);
    if (problems.length > 0) throw new ModuleError(`aggregate_mod: ${problems.join('; ')}`, { retryable: false, hint: AGGREGATE_HINT });
    const clash = specs.find((s) => groupBy.includes(s.name));
    if (clash) throw new ModuleError(`aggregate_mod: output column "${clash.name}" is also a group_by column`, { retryable: false, hint: 'give the aggregate another name' });
    const table = await input.table();
    const all = concatBatches(table.schema, table.batches);
    let groups: Groups;
    try {
      groups = groupRows(all, groupBy);
    } catch (error) {
      if (error instanceof UnknownColumnError) throw new ModuleError(`aggregate_mod: ${error.message}`, { retryable: false, hint: 'fix the column name in group_by' });
      throw error;
    }
    const keys = takeRows(all.selectAt(groupBy.map((k) => all.schema.names.indexOf(k))), groups.firstRow);
    const aggregates = specs.map((spec) => aggregateColumn(all, groups, spec));
    const fields = [...keys.schema.fields.map((f) => new Field(f.name, f.type, f.nullable, f.metadata)), ...aggregates.map((a) => a.field)];
    const schema = new Schema(fields);
    const children = [...keys.data.children, ...aggregates.map((a) => a.data)];
    const output = new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: groups.count, nullCount: 0, children }))]);
    ctx.setGlobal('group_count', groups.count);
    ctx.logger.info('aggregated', { rows_in: all.numRows, groups: groups.count });
    return { output };
  },
});
