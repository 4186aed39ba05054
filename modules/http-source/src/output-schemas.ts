import { unknownSchema, readJsonTable, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { ALL_DEFAULTS, type Config } from './config.js';
import { sourceProblems } from './config-problems.js';
import { pageRecords, readPages, type SourceConfig } from './read-pages.js';

/**
 * The config's problems, and the columns the run will choose: for a GET, the first page is
 * requested (once, no retries) and typed by the same code as the run; a POST is not sent before
 * the run, so its columns are unknown.
 */
export async function httpSchemas({ config, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const c: SourceConfig = { ...ALL_DEFAULTS, ...config };
  const problems = sourceProblems(c);
  if (problems.length) return { problems };
  if (c.method !== 'GET') return { outputs: { data: unknownSchema('http_source sends a POST only when the flow runs') } };
  const first = readPages({ ...c, retries: 0, max_pages: 1 }, { where: 'http_source', signal });
  const table = await readJsonTable(pageRecords(first), { where: `http_source (${c.url})`, sampleRows: c.sample_rows, schema: c.schema });
  return { outputs: { data: table.schema } };
}
