import type { WorkerPool } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import type { CsvReadOptions } from './read-csv.js';

/** How a config reads its file, the same for the run and for the schema `pype validate` shows. */
export function csvReadOptions(config: Config, pool: WorkerPool, signal: AbortSignal): CsvReadOptions & { path: string } {
  const c = { ...DEFAULTS, ...config };
  return {
    path: c.file_path,
    encoding: c.encoding,
    delimiter: c.delimiter,
    quote: c.quote,
    escape: c.escape,
    header: c.header,
    sampleRows: c.sample_rows,
    schema: c.schema,
    onError: c.on_error,
    chunkBytes: c.chunk_bytes,
    pool,
    signal,
  };
}
