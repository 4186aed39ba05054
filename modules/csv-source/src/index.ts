import { defineModule } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { fileSize } from './file-size.js';
import { readCsv } from './read-csv.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'csv_source',
  type: 'source',
  description: 'Reads a CSV file into a table, inferring each column type from the first rows',
  category: 'File Sources',
  outputPorts: ['data'],
  globals: ['row_count', 'file_size'],
  async run(_inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const size = await fileSize(config.file_path);
    const table = await readCsv(config.file_path, {
      encoding: config.encoding,
      delimiter: config.delimiter,
      quote: config.quote,
      header: config.header,
      sampleRows: config.sample_rows,
      signal: ctx.signal,
    });
    ctx.setGlobal('row_count', table.numRows);
    ctx.setGlobal('file_size', size);
    ctx.logger.info('read CSV', { path: config.file_path, rows: table.numRows, bytes: size });
    return { data: table };
  },
});
