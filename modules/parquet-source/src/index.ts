import type { RecordBatch } from 'apache-arrow';
import { openParquetBatches, ParquetError } from '@pypeline/parquet';
import { defineModule, ModuleError } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'parquet_source',
  type: 'source',
  description: 'Streams a Parquet file as Arrow record batches, one row group at a time, reading only the projected columns',
  category: 'File Sources',
  outputPorts: ['data'],
  globals: ['row_count', 'row_groups'],
  async run(_inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const path = config.file_path;
    const file = await openParquetBatches(path, { columns: config.columns.length ? config.columns : undefined }).catch((error: unknown) => {
      throw userError(path, error);
    });
    ctx.setGlobal('row_count', file.numRows);
    ctx.setGlobal('row_groups', file.numRowGroups);
    async function* batches(): AsyncGenerator<RecordBatch> {
      let rows = 0;
      for await (const batch of file.batches()) {
        ctx.signal.throwIfAborted();
        rows += batch.numRows;
        yield batch;
      }
      ctx.logger.info('read Parquet', { path, rows, row_groups: file.numRowGroups });
    }
    return { data: Object.assign(batches(), { schema: file.schema }) };
  },
});

function userError(path: string, error: unknown): unknown {
  if (!(error instanceof ParquetError)) return error;
  return new ModuleError(error.message, {
    retryable: false,
    hint: /does not exist/.test(error.message) ? 'check file_path (relative paths are resolved from the directory pype runs in)' : 'check that file_path is a Parquet file and that every name in columns is one of its columns',
    cause: error,
  });
}
