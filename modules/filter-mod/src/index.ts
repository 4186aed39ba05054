import { Table, type RecordBatch } from 'apache-arrow';
import { ExprError, filterTable } from '@pypeline/expr';
import { defineModule, ModuleError } from '@pypeline/sdk';
import { compileCondition, conditionError } from './compile-condition.js';
import type { Config } from './config.js';
import { globalLookup } from './global-lookup.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'filter_mod',
  type: 'mod',
  description: 'Keeps the rows for which an expression condition is true',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['rows_in', 'rows_out'],
  async run(inputs, ctx) {
    const { condition } = ctx.config;
    const input = inputs.input;
    if (!input) {
      throw new ModuleError('filter_mod received no data on its "input" port', {
        retryable: false,
        hint: 'connect a data edge to it, e.g. "source.data - filter.input"',
      });
    }
    const predicate = compileCondition(condition, input.schema, globalLookup(ctx));
    // Batches are filtered one at a time, so a spilled input is never loaded whole; the kept
    // rows are returned as one table so rows_out is final when run() returns.
    const kept: RecordBatch[] = [];
    let rowsIn = 0;
    for await (const batch of input.batches()) {
      ctx.signal.throwIfAborted();
      rowsIn += batch.numRows;
      kept.push(...filterBatch(batch, predicate, condition));
    }
    const output = new Table(input.schema, kept);
    ctx.setGlobal('rows_in', rowsIn);
    ctx.setGlobal('rows_out', output.numRows);
    ctx.logger.info('filtered', { rows_in: rowsIn, rows_out: output.numRows });
    return { output };
  },
});

function filterBatch(batch: RecordBatch, predicate: (b: RecordBatch) => Uint32Array, condition: string): RecordBatch[] {
  try {
    return filterTable(new Table(batch.schema, [batch]), predicate).batches;
  } catch (error) {
    if (error instanceof ExprError) throw conditionError(condition, error.diagnostics);
    throw error;
  }
}
