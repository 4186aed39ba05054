import { Field, RecordBatch, Schema, Struct, Table, makeData, type Data } from 'apache-arrow';
import { AGGREGATE_HINT, compilePredicate, parseAggregates, parseExpression, takeRows } from '@pypeline/expr';
import { configIssuesError, defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { AggregateError, aggregateGroups, concatBatches, foldsByGroup, groupRows } from '@pypeline/verbs';
import { hashAggregateRun, partitionedRun, spillOptionsOf } from '@pypeline/spill';
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
    // The build-time check, now on the real input: every problem at once.
    const { output: schema, problems } = checkAggregate(ctx.config, input.schema);
    if (problems.length > 0 || !schema) throw configIssuesError(where, problems, AGGREGATE_HINT);
    const counts = { rows: 0, groups: 0, out: 0 };
    const aggregate = (table: Table): RecordBatch => {
      const { batch, groups } = aggregateTable(table, ctx.config, schema, where);
      counts.rows += table.numRows;
      counts.groups += groups;
      counts.out += batch.numRows;
      return batch;
    };
    const done = () => {
      ctx.setGlobal('group_count', counts.groups);
      ctx.logger.info('aggregated', { rows_in: counts.rows, groups: counts.groups, rows_out: counts.out });
    };
    const specs = parseAggregates(ctx.config.aggregates).specs;
    let partitions: AsyncIterable<RecordBatch>;
    if (specs.every((spec) => foldsByGroup(spec, input.schema))) {
      // Every aggregate keeps a few numbers per group: one pass over the input into a hash
      // table of the groups, whose memory follows the groups, not the rows.
      partitions = hashAggregateRun({
        batches: counted(input.batches(), counts),
        schema: input.schema,
        keys: groupBy,
        calls: specs,
        ...spillOptionsOf(ctx),
        finish: (result) => {
          counts.groups += result.count;
          const batch = assemble(result.keys, result.columns, result.count, ctx.config, schema);
          counts.out += batch.numRows;
          return batch;
        },
      });
    } else if (groupBy.length === 0) {
      // One group of every row, with an aggregate that needs the rows together: computed in memory.
      const batch = aggregate(await input.table());
      done();
      return { output: new Table(batch.schema, [batch]) };
    } else {
      // Every row of a group meets in one partition: aggregating partition by partition gives the
      // groups of the whole input (in partition order, once spilled).
      partitions = partitionedRun({
        inputs: { input: { batches: input.batches(), schema: input.schema, keys: groupBy } },
        ...spillOptionsOf(ctx),
        process: ({ input: table }) => aggregate(table),
      });
    }
    async function* output(): AsyncGenerator<RecordBatch> {
      let first: Schema | undefined;
      try {
        for await (const batch of partitions) {
          if (first && batch.numRows === 0) continue;
          first ??= batch.schema;
          yield batch.schema === first ? batch : new RecordBatch(first, batch.data);
        }
      } catch (error) {
        // The hash aggregate's errors name their aggregate already (`aggregates.total: …`).
        if (error instanceof AggregateError) throw new ModuleError(`${where}: ${error.message}`, { retryable: false, hint: error.hint });
        throw error;
      }
      done();
    }
    return { output: output() };
  },
});

/** The groups of one table (all the input, or one partition of it), HAVING applied. */
function aggregateTable(table: Table, config: Config, schema: Schema, where: string): { batch: RecordBatch; groups: number } {
  const groupBy = config.group_by ?? [];
  const all = concatBatches(table.schema, table.batches);
  const groups = groupRows(all, groupBy);
  const keyColumns = all.selectAt(groupBy.map((k) => all.schema.names.indexOf(k)));
  // An empty input has no rows to gather keys from (and Arrow may give its columns no buffers).
  const keys = all.numRows === 0 ? keyColumns : takeRows(keyColumns, groups.firstRow);
  const columns = parseAggregates(config.aggregates).specs.map((spec) => computed(where, spec.name, () => aggregateGroups(all, groups, spec)));
  return { batch: assemble(keys, columns, groups.count, config, schema), groups: groups.count };
}

/** The output batch from the groups' key columns and aggregate columns (typed as computed), HAVING applied. */
function assemble(keys: RecordBatch, columns: Data[], count: number, config: Config, schema: Schema): RecordBatch {
  const groupBy = config.group_by ?? [];
  const fields = schema.fields.map((f, i) => new Field(f.name, i < groupBy.length ? f.type : columns[i - groupBy.length].type, f.nullable, f.metadata));
  const grouped = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: count, nullCount: 0, children: [...keys.data.children, ...columns] }));
  return config.having === undefined ? grouped : having(grouped, config.having);
}

/** The input's batches, counted into `counts.rows` as they pass. */
async function* counted(batches: AsyncIterable<RecordBatch>, counts: { rows: number }): AsyncGenerator<RecordBatch> {
  for await (const batch of batches) {
    counts.rows += batch.numRows;
    yield batch;
  }
}

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
