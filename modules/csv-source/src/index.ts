import type { RecordBatch } from 'apache-arrow';
import { checkInput } from '@pypeline/object-store';
import { defineModule, type ModuleOutputs } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { csvReadOptions } from './csv-options.js';
import { openCsvInput } from './open-input.js';
import { csvSchemas } from './output-schemas.js';
import { splitPorts } from './port-streams.js';
import { openCsv, type CsvChunk } from './read-csv.js';
import { REJECT_SCHEMA, rejectBatch } from './reject-batch.js';

export type { Config, CsvColumnType } from './config.js';

export default defineModule<Config>({
  name: 'csv_source',
  type: 'source',
  description: 'Streams a CSV file (local or s3://) as Arrow record batches, parsed in parallel, with inferred or declared column types',
  category: 'File Sources',
  outputPorts: ['data', 'reject'],
  globals: ['row_count', 'file_size', 'skipped_count', 'reject_count'],
  outputSchemas: csvSchemas,
  check: ({ config, signal }) => checkInput(config.file_path, 'file_path', config, signal),
  async run(_inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const { path, ...options } = csvReadOptions(config, ctx.pool, ctx.signal);
    const input = await openCsvInput(path, config, ctx.signal);
    const size = input.size;
    ctx.setGlobal('file_size', size);
    const csv = await openCsv(input, options);
    const names = csv.schema.names as string[];
    async function* chunks(): AsyncGenerator<CsvChunk> {
      for await (const chunk of csv.chunks()) {
        ctx.progress?.({ bytes: chunk.end, totalBytes: size });
        yield chunk;
      }
      const { rows, skipped, rejected } = csv.stats;
      ctx.setGlobal('row_count', rows);
      ctx.setGlobal('skipped_count', skipped);
      ctx.setGlobal('reject_count', rejected);
      ctx.logger.info('read CSV', { path, rows, bytes: size, skipped, rejected });
    }
    const ports = splitPorts(
      chunks(),
      ({ batch, rejects }) => {
        const reject: RecordBatch[] = rejects.length ? [rejectBatch(rejects, names)] : [];
        return { data: [batch], reject };
      },
      { data: csv.schema, reject: REJECT_SCHEMA },
    );
    const outputs: ModuleOutputs = { data: ports.data };
    if (config.on_error === 'reject') outputs.reject = ports.reject;
    return outputs;
  },
});
