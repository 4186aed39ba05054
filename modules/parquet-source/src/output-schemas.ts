import type { SchemaContext, SchemaResult } from '@pypeline/sdk';
import type { Config } from './config.js';
import { openParquet } from './open-parquet.js';

/** The schema the run reads: the footer and the first row group, with the same column projection (as openParquetBatches settles it). */
export async function parquetSchemas({ config, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const file = await openParquet(config, signal);
  // Only the schema is needed; the unread file is freed by the wasm finalizer.
  return { outputs: { data: file.schema } };
}
