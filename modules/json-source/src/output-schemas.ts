import { readJsonTable, type JsonRecord, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { detectFormat, jsonArray, jsonLines } from './read-records.js';
import { checkFile } from './check-file.js';

/**
 * The columns and types the run will choose: the same reader over the sample only (the first
 * `sample_rows` records, or the whole file for 0), so the types come from the same code.
 */
export async function jsonSchemas({ config, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const c = { ...DEFAULTS, ...config };
  await checkFile(c.file_path);
  const format = c.format === 'auto' ? await detectFormat(c.file_path) : c.format;
  const records = format === 'array' ? jsonArray(c.file_path) : jsonLines(c.file_path, signal);
  const table = await readJsonTable(firstRecords(records, c.sample_rows), { where: c.file_path, sampleRows: c.sample_rows });
  return { outputs: { data: table.schema } };
}

async function* firstRecords(records: AsyncGenerator<JsonRecord>, n: number): AsyncGenerator<JsonRecord> {
  let count = 0;
  for await (const record of records) {
    yield record;
    if (n > 0 && ++count >= n) break;
  }
}
