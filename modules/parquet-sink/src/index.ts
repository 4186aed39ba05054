import { resolve } from 'node:path';
import { defineModule, ModuleError } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { encodeInPool } from './encode-in-pool.js';
import { writeOutput } from './write-output.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'parquet_sink',
  type: 'sink',
  description: 'Writes its input to a Parquet file, atomically, encoding on the worker pool',
  category: 'File Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'output_path'],
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = inputs.input;
    if (!input) {
      throw new ModuleError('parquet_sink received no data on its "input" port', {
        retryable: false,
        hint: 'connect a data edge to it, e.g. "source.data - sink.input"',
      });
    }
    const table = await input.table();
    const bytes = await encodeInPool(table, { compression: config.compression, rowGroupSize: config.row_group_size }, ctx);
    const path = resolve(config.output_path);
    await writeOutput(path, bytes);
    ctx.setGlobal('row_count', table.numRows);
    ctx.setGlobal('output_path', path);
    ctx.logger.info('wrote Parquet', { path, rows: table.numRows, bytes: bytes.byteLength });
  },
});
