import type { RecordBatch, Schema } from 'apache-arrow';
import { ExprError, takeRows } from '@pypeline/expr';
import { defineModule, requireInput } from '@pypeline/sdk';
import { compileCondition, conditionError, type RowPredicate } from './compile-condition.js';
import type { Config } from './config.js';
import { filterSchemas } from './output-schemas.js';
import { globalLookup } from './global-lookup.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'filter_mod',
  type: 'mod',
  description: 'Keeps the rows for which an expression condition is true, batch by batch as a stream',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['rows_in', 'rows_out'],
  outputSchemas: filterSchemas,
  async run(inputs, ctx) {
    const { condition } = ctx.config;
    const input = requireInput(inputs, 'input', 'filter_mod', 'connect a data edge to it, e.g. "source.data - filter.input"');
    // Compiled before any row is read, so a bad condition fails the module itself.
    const predicate = compileCondition(condition, input.schema, globalLookup(ctx));
    const schema = input.schema;
    async function* filtered(): AsyncGenerator<RecordBatch> {
      let rowsIn = 0;
      let rowsOut = 0;
      let yielded = false;
      for await (const batch of input!.batches()) {
        ctx.signal.throwIfAborted();
        rowsIn += batch.numRows;
        const kept = filterBatch(batch, predicate, condition);
        // An empty batch is passed on only if nothing else was, so the stream keeps its schema.
        if (kept.numRows === 0 && yielded) continue;
        rowsOut += kept.numRows;
        yielded = true;
        yield kept;
      }
      ctx.setGlobal('rows_in', rowsIn);
      ctx.setGlobal('rows_out', rowsOut);
      ctx.logger.info('filtered', { rows_in: rowsIn, rows_out: rowsOut });
    }
    return { output: withSchema(filtered(), schema) };
  },
});

function filterBatch(batch: RecordBatch, predicate: RowPredicate, condition: string): RecordBatch {
  try {
    const indices = predicate(batch);
    return indices.length === batch.numRows ? batch : takeRows(batch, indices);
  } catch (error) {
    if (error instanceof ExprError) throw conditionError(condition, error.diagnostics);
    throw error;
  }
}

/** The stream with its schema attached, so the engine need not read a batch to learn it. */
function withSchema(stream: AsyncGenerator<RecordBatch>, schema: Schema): AsyncGenerator<RecordBatch> & { schema: Schema } {
  return Object.assign(stream, { schema });
}
