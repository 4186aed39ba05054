import type { SchemaContext, SchemaResult } from '@pypeline/sdk';
import type { Config } from './config.js';
import { csvReadOptions } from './csv-options.js';
import { openCsvInput } from './open-input.js';
import { openCsv } from './read-csv.js';
import { REJECT_SCHEMA } from './reject-batch.js';

/** The header and the column types the run will use: openCsv settles both before reading rows, and no row is parsed here. */
export async function csvSchemas({ config, pool, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const { path, ...options } = csvReadOptions(config, pool, signal);
  const csv = await openCsv(await openCsvInput(path, config, signal), options);
  return { outputs: { data: csv.schema, reject: REJECT_SCHEMA } };
}
