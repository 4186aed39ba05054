import { configIssuesError, defineModule, jsonBatches, type DroppedKeys } from '@pypeline/sdk';
import type { RecordBatch } from 'apache-arrow';
import { ALL_DEFAULTS, type Config } from './config.js';
import { sourceProblems } from './config-problems.js';
import { httpSchemas } from './output-schemas.js';
import { pageRecords, readPages, type Page, type SourceConfig } from './read-pages.js';

export type { Config, JsonColumnType } from './config.js';

export default defineModule<Config>({
  name: 'http_source',
  type: 'source',
  description: 'Reads a JSON REST API page by page (page/offset, cursor, next link or Link header) into Arrow record batches, with auth, retries honouring Retry-After and a rate limit',
  category: 'Web Services',
  // The API's answer can change between runs without the config changing.
  cacheable: false,
  outputPorts: ['data'],
  globals: ['row_count', 'page_count'],
  outputSchemas: httpSchemas,
  async check({ config, signal }) {
    const c: SourceConfig = { ...ALL_DEFAULTS, ...config };
    const problems = sourceProblems(c);
    if (problems.length) throw configIssuesError('http_source', problems);
    if (c.method !== 'GET') return `${c.method} ${c.url}: not sent by a check (a POST may change data)`;
    const first = await readPages({ ...c, retries: 0, max_pages: 1 }, { where: 'http_source', signal }).next();
    const page = first.value as Page | undefined;
    return `GET ${c.url}: answered, ${page?.records.length ?? 0} records on the first page`;
  },
  async run(_inputs, ctx) {
    const c: SourceConfig = { ...ALL_DEFAULTS, ...ctx.config };
    const where = `http_source "${ctx.moduleId}"`;
    const problems = sourceProblems(c);
    if (problems.length) throw configIssuesError(where, problems);
    let pageCount = 0;
    async function* counted(): AsyncGenerator<Page> {
      const pages = readPages(c, { where, signal: ctx.signal, onRetry: ({ attempt, waitMs, reason }) => ctx.logger.warn(`retrying after ${reason}`, { attempt, wait_ms: waitMs }) });
      for await (const page of pages) {
        pageCount = page.number;
        ctx.logger.debug('read page', { page: page.number, records: page.records.length });
        yield page;
      }
    }
    const dropped: DroppedKeys = new Map();
    const options = { where: `${where} (${c.url})`, sampleRows: c.sample_rows, schema: c.schema, batchSize: c.batch_size, readAllHint: 'set sample_rows to 0 so every page is read before types are chosen' };
    async function* data(): AsyncGenerator<RecordBatch> {
      let rows = 0;
      for await (const batch of jsonBatches(pageRecords(counted()), options, dropped)) {
        rows += batch.numRows;
        yield batch;
      }
      for (const [key, at] of dropped) ctx.logger.warn(`key "${key}" first appears at ${at}, after the records used to choose columns; it is not read`, { hint: 'set sample_rows to 0, or name the key in schema' });
      ctx.setGlobal('row_count', rows);
      ctx.setGlobal('page_count', pageCount);
      ctx.logger.info('read API', { url: c.url, pages: pageCount, rows });
    }
    return { data: data() };
  },
});
