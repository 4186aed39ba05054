import { openParquetBatches } from '@pypeline/parquet';
import type { SchemaContext, SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { parquetUserError } from './user-error.js';

/** The schema the run reads: the footer and the first row group, with the same column projection (as openParquetBatches settles it). */
export async function parquetSchemas({ config }: SchemaContext<Config>): Promise<SchemaResult> {
  const c = { ...DEFAULTS, ...config };
  const file = await openParquetBatches(c.file_path, { columns: c.columns.length ? c.columns : undefined }).catch((error: unknown) => {
    throw parquetUserError(c.file_path, error);
  });
  // Only the schema is needed; the unread file is freed by the wasm finalizer.
  return { outputs: { data: file.schema } };
}
