import { checkReadable, defineModule, readJsonTable, type DroppedKeys } from '@pypeline/sdk';
import { checkFile } from './check-file.js';
import { DEFAULTS, type Config } from './config.js';
import { jsonSchemas } from './output-schemas.js';
import { detectFormat, jsonArray, jsonLines } from './read-records.js';

export type { Config, JsonColumnType } from './config.js';

export default defineModule<Config>({
  name: 'json_source',
  type: 'source',
  description: 'Reads JSON Lines or a JSON array of objects into a table, typing each column from its values (the first rows of JSON Lines)',
  category: 'File Sources',
  outputPorts: ['data'],
  globals: ['row_count', 'format'],
  outputSchemas: jsonSchemas,
  check: ({ config }) => checkReadable(config.file_path, 'file_path'),
  async run(_inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const path = config.file_path;
    await checkFile(path);
    const format = config.format === 'auto' ? await detectFormat(path) : config.format;
    const records = format === 'array' ? jsonArray(path) : jsonLines(path, ctx.signal);
    // An array is parsed whole anyway, so every row decides the types.
    const dropped: DroppedKeys = new Map();
    const table = await readJsonTable(records, { where: path, sampleRows: format === 'array' ? 0 : config.sample_rows, schema: config.schema }, dropped);
    for (const [key, at] of dropped) {
      ctx.logger.warn(`key "${key}" first appears at ${at}, after the rows used to choose columns; it is not read`, { path, hint: 'set sample_rows to 0' });
    }
    ctx.setGlobal('row_count', table.numRows);
    ctx.setGlobal('format', format);
    ctx.logger.info('read JSON', { path, format, rows: table.numRows });
    return { data: table };
  },
});
