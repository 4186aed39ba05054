import { RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { defineModule, ModuleError, type Artifact, type ModuleContext, requireInput } from '@pypeline/sdk';
import { castColumn } from './cast-column.js';
import { DEFAULTS, type Config } from './config.js';
import { selectSchemas } from './output-schemas.js';
import { outputField, planSelection, type SelectedColumn } from './plan-selection.js';

export type { Config, CastType } from './config.js';

export default defineModule<Config>({
  name: 'select_mod',
  type: 'mod',
  description: 'Picks, drops, renames and casts columns',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['cast_errors'],
  outputSchemas: selectSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'select_mod', 'connect a data edge to it, e.g. "source.data - select.input"');
    const selected = planSelection(input.schema, config);
    const schema = new Schema(selected.map((c) => outputField(input.schema.fields[c.index], c)));
    const { batches, castErrors } = await selectBatches(input, selected, schema, config.on_cast_error, ctx);
    ctx.setGlobal('cast_errors', castErrors);
    if (castErrors > 0) ctx.logger.warn(`${castErrors} value(s) could not be cast and became null`);
    return { output: batches };
  },
});

/** Batch by batch: selected columns are reused as they are; cast ones are rebuilt. */
async function selectBatches(input: Artifact, selected: SelectedColumn[], schema: Schema, policy: 'fail' | 'null', ctx: ModuleContext<Config>) {
  const batches: RecordBatch[] = [];
  let base = 0;
  let castErrors = 0;
  for await (const batch of input.batches()) {
    ctx.signal.throwIfAborted();
    const children = selected.map((c) => {
      const data = batch.data.children[c.index];
      if (!c.cast) return data;
      const field = input.schema.fields[c.index];
      return castColumn(data, field, c.cast, ({ row, value }) => {
        castErrors++;
        if (policy === 'fail') {
          throw new ModuleError(`select_mod: row ${base + row + 1}, column "${field.name}": cannot cast ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)} to ${c.cast}`, {
            retryable: false,
            hint: 'clean the value upstream, or set on_cast_error: null to write null instead',
          });
        }
      });
    });
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children })));
    base += batch.numRows;
  }
  return { batches, castErrors };
}
