import { RecordBatch, Schema, Struct, Table, makeData } from 'apache-arrow';
import { defineModule, requireInput, type Artifact } from '@pypeline/sdk';
import { concatBatches, hashJoin, takeOrNull, takeRows } from '@pypeline/verbs';
import { checkKeys } from './check-keys.js';
import { DEFAULTS, type Config } from './config.js';
import { joinSchemas } from './output-schemas.js';
import { rightColumns } from './output-fields.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'join_mod',
  type: 'mod',
  description: 'Joins two inputs on key columns (inner or left join), like SQL JOIN … USING / ON',
  category: 'Transforms',
  inputPorts: ['left', 'right'],
  outputPorts: ['output'],
  globals: ['row_count', 'unmatched_left'],
  outputSchemas: joinSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const both = 'connect both inputs, e.g. "orders.data - join.left" and "customers.data - join.right"';
    const [left, right] = [requireInput(inputs, 'left', 'join_mod', both), requireInput(inputs, 'right', 'join_mod', both)];
    const rightOn = config.right_on ?? config.on;
    checkKeys(left.schema, right.schema, config.on, rightOn);
    const extra = rightColumns(left.schema, right.schema, config.on, rightOn, config.suffix);
    const [l, r] = [await oneBatch(left), await oneBatch(right)];
    const pairs = hashJoin(l, r, config.on, rightOn, config.how);
    const leftRows = takeRows(l, new Uint32Array(pairs.left.buffer, pairs.left.byteOffset, pairs.left.length));
    const rightRows = takeOrNull(r, pairs.right);
    const schema = new Schema([...left.schema.fields, ...extra.map((c) => c.field)]);
    const children = [...leftRows.data.children, ...extra.map((c) => rightRows.data.children[c.index])];
    const n = pairs.left.length;
    const output = new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }))]);
    const unmatched = pairs.right.reduce((count, j) => count + (j < 0 ? 1 : 0), 0);
    ctx.setGlobal('row_count', n);
    ctx.setGlobal('unmatched_left', unmatched);
    ctx.logger.info('joined', { how: config.how, left: left.numRows, right: right.numRows, rows: n, unmatched_left: unmatched });
    return { output };
  },
});

async function oneBatch(input: Artifact): Promise<RecordBatch> {
  const table = await input.table();
  return concatBatches(table.schema, table.batches);
}
