import type { RecordBatch } from 'apache-arrow';
import { checkInput } from '@pypeline/object-store';
import { defineModule } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { parquetSchemas } from './output-schemas.js';
import { openParquet } from './open-parquet.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'parquet_source',
  type: 'source',
  description: 'Streams a Parquet file (local or s3://, by ranged reads) as Arrow record batches, one row group at a time, reading only the projected columns',
  category: 'File Sources',
  outputPorts: ['data'],
  globals: ['row_count', 'row_groups'],
  outputSchemas: parquetSchemas,
  check: ({ config, signal }) => checkInput(config.file_path, 'file_path', config, signal),
  async run(_inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const path = config.file_path;
    const file = await openParquet(config, ctx.signal);
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
