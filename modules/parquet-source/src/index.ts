import type { RecordBatch } from 'apache-arrow';
import { openParquetBatches } from '@pypeline/parquet';
import { checkReadable, defineModule } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { parquetSchemas } from './output-schemas.js';
import { parquetUserError } from './user-error.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'parquet_source',
  type: 'source',
  description: 'Streams a Parquet file as Arrow record batches, one row group at a time, reading only the projected columns',
  category: 'File Sources',
  outputPorts: ['data'],
  globals: ['row_count', 'row_groups'],
  outputSchemas: parquetSchemas,
  check: ({ config }) => checkReadable(config.file_path, 'file_path'),
  async run(_inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const path = config.file_path;
    const file = await openParquetBatches(path, { columns: config.columns.length ? config.columns : undefined }).catch((error: unknown) => {
      throw parquetUserError(path, error);
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
