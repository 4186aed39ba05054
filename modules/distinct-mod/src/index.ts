import { Table, type RecordBatch } from 'apache-arrow';
import { defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { concatBatches, groupRows, takeRows } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';
import { distinctSchemas } from './output-schemas.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'distinct_mod',
  type: 'mod',
  description: 'Keeps one row per distinct row or key (the first or the last, in input order); the dropped rows go to `duplicates` (Talend tUniqRow)',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output', 'duplicates'],
  globals: ['unique_count', 'duplicate_count'],
  outputSchemas: distinctSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'distinct_mod', 'connect a data edge to it, e.g. "source.data - dedup.input"');
    const table = await input.table();
    const { problems } = distinctSchemas({ ...ctx, config, inputs: { input: table.schema } } as Parameters<typeof distinctSchemas>[0]);
    if (problems && problems.length > 0) {
      throw new ModuleError(`distinct_mod (${ctx.moduleId}): ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: problems[0].hint });
    }
    const all = concatBatches(table.schema, table.batches);
    // Null keys are equal to each other, as in SQL DISTINCT.
    const groups = groupRows(all, config.keys ?? (table.schema.names as string[]));
    const kept = new Uint8Array(all.numRows);
    if (config.keep === 'first') for (const row of groups.firstRow) kept[row] = 1;
    else {
      const last = new Int32Array(groups.count);
      for (let i = 0; i < all.numRows; i++) last[groups.groupOf[i]] = i;
      for (const row of last) kept[row] = 1;
    }
    const unique: number[] = [];
    const dropped: number[] = [];
    for (let i = 0; i < all.numRows; i++) (kept[i] ? unique : dropped).push(i);
    const pick = (rows: number[]): Table => (rows.length === all.numRows ? table : new Table(table.schema, rows.length === 0 ? [] : [takeRows(all, Uint32Array.from(rows)) as RecordBatch]));
    ctx.setGlobal('unique_count', unique.length);
    ctx.setGlobal('duplicate_count', dropped.length);
    ctx.logger.info('deduplicated', { rows_in: all.numRows, unique: unique.length, duplicates: dropped.length });
    return { output: pick(unique), duplicates: pick(dropped) };
  },
});
