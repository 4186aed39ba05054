import { Table } from 'apache-arrow';
import { defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { concatBatches, sortIndices, takeRows, UnknownColumnError } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';
import { sortSchemas } from './output-schemas.js';
import { parseSortKeys } from './parse-sort-keys.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'sort_mod',
  type: 'mod',
  description: 'Sorts the rows by one or more columns, each ascending or descending (a stable sort)',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['row_count'],
  outputSchemas: sortSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'sort_mod', 'connect a data edge to it, e.g. "source.data - sort.input"');
    const keys = parseSortKeys(config.by, config.nulls);
    const table = await input.table();
    // A sort needs every row at once: the batches become one, then one gather puts them in order.
    const all = concatBatches(table.schema, table.batches);
    let order: Uint32Array;
    try {
      order = sortIndices(all, keys);
    } catch (error) {
      if (error instanceof UnknownColumnError) throw new ModuleError(error.message, { retryable: false, hint: 'fix the column name in "by"' });
      throw error;
    }
    const output = table.numRows === 0 ? table : new Table(table.schema, [takeRows(all, order)]);
    ctx.setGlobal('row_count', output.numRows);
    ctx.logger.info('sorted', { rows: output.numRows, by: config.by });
    return { output };
  },
});
