import type { RecordBatch } from 'apache-arrow';
import { defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { externalSort, spillOptionsOf } from '@pypeline/spill';
import { parseSortKeys, SORT_KEY_FORMS } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';
import { sortSchemas } from './output-schemas.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'sort_mod',
  type: 'mod',
  description: 'Sorts the rows by one or more columns, each ascending or descending with nulls first or last (a stable sort; out of core beyond the memory budget)',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['row_count'],
  outputSchemas: sortSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'sort_mod', 'connect a data edge to it, e.g. "source.data - sort.input"');
    if (config.by.length === 0) throw new ModuleError('sort_mod needs at least one column in "by"', { retryable: false, hint: `${SORT_KEY_FORMS}, e.g. by: ["country", "amount desc nulls last"]` });
    const keys = parseSortKeys(config.by, config.nulls);
    const schema = input.schema;
    const missing = keys.find((k) => !schema.names.includes(k.column));
    if (missing) throw new ModuleError(`sort column "${missing.column}" does not exist; the columns are: ${schema.names.join(', ')}`, { retryable: false, hint: 'fix the column name in "by"' });
    // In memory when the input fits ctx.memoryBudget; else sorted runs on disk, merged back.
    const sorted = externalSort(input.batches(), { schema, keys, ...spillOptionsOf(ctx) });
    async function* output(): AsyncGenerator<RecordBatch> {
      let rows = 0;
      for await (const batch of sorted) {
        rows += batch.numRows;
        yield batch;
      }
      ctx.setGlobal('row_count', rows);
      ctx.logger.info('sorted', { rows, by: config.by });
    }
    return { output: Object.assign(output(), { schema }) };
  },
});
