import { checkOutput, openOutput, resolvePath } from '@pypeline/object-store';
import { IpcScratch, writeParquetStream } from '@pypeline/parquet';
import { defineModule, requireInput } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { encodeInPool } from './encode-in-pool.js';
import { writeError } from './write-output.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'parquet_sink',
  type: 'sink',
  description: 'Streams its input into a Parquet file (local or s3://) row group by row group, encoding row groups in parallel on the worker pool; atomic',
  category: 'File Sinks',
  inputPorts: ['input'],
  globals: ['row_count', 'output_path'],
  check: ({ config, signal }) => checkOutput(config.output_path, 'output_path', config, signal),
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'parquet_sink', 'connect a data edge to it, e.g. "source.data - sink.input"');
    const path = resolvePath(config.output_path);
    const options = { compression: config.compression, rowGroupSize: config.row_group_size };
    // The run's buffers for row groups on their way to the pool (freed with the run).
    const scratch = new IpcScratch();
    const written = await writeParquetStream(path, input.batches(), {
      ...options,
      schema: input.schema,
      encode: (rows) => encodeInPool(rows, options, scratch, ctx),
      // One row group per pool thread, plus one being cut from the stream.
      concurrency: Math.max(1, ctx.pool.size),
      signal: ctx.signal,
      // A local temp file renamed into place, or a multipart upload completed at the end (s3://).
      open: (target) => openOutput(target, config),
    }).catch((error: unknown) => {
      throw writeError(path, error);
    });
    ctx.setGlobal('row_count', written.rows);
    ctx.setGlobal('output_path', path);
    ctx.logger.info('wrote Parquet', { path, rows: written.rows, row_groups: written.rowGroups });
  },
});
