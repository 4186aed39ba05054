import { RecordBatch, Struct, makeData, type Data } from 'apache-arrow';
import { ExprError } from '@pypeline/expr';
import { defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { compileColumns } from './compile-columns.js';
import type { Config } from './config.js';
import { deriveSchemas } from './output-schemas.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'derive_mod',
  type: 'mod',
  description: 'Adds or replaces columns computed from expressions, e.g. total = qty * price',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  outputSchemas: deriveSchemas,
  async run(inputs, ctx) {
    const input = requireInput(inputs, 'input', 'derive_mod', 'connect a data edge to it, e.g. "source.data - derive.input"');
    const { derived } = compileColumns(input.schema, ctx.config.columns, globalLookup(ctx.getGlobal));
    const batches: RecordBatch[] = [];
    for await (const batch of input.batches()) {
      ctx.signal.throwIfAborted();
      // Each expression sees the batch as it stands after the ones above it.
      let current = batch;
      for (const column of derived) {
        let data: Data;
        try {
          data = column.kernel(current).data[0];
        } catch (error) {
          if (error instanceof ExprError) throw new ModuleError(`derive_mod: column "${column.name}": ${error.message}`, { retryable: false });
          throw error;
        }
        const children = [...current.data.children];
        children[column.index] = data;
        current = new RecordBatch(column.schema, makeData({ type: new Struct(column.schema.fields), length: batch.numRows, nullCount: 0, children }));
      }
      batches.push(current);
    }
    ctx.logger.info('derived columns', { columns: derived.map((c) => c.name) });
    return { output: batches };
  },
});

/** `{{module__key}}` in an expression reads a global of an earlier module (when the engine left it unresolved). */
function globalLookup(getGlobal: (moduleId: string, key: string) => unknown): (name: string) => unknown {
  return (name) => {
    const split = name.indexOf('__');
    return split > 0 ? getGlobal(name.slice(0, split), name.slice(split + 2)) : undefined;
  };
}
