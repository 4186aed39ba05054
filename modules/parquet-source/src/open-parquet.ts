import type { RecordBatch } from 'apache-arrow';
import { openInput } from '@pypeline/object-store';
import { openParquetBatches, type ParquetBatches } from '@pypeline/parquet';
import { isObjectUrl } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { parquetUserError } from './user-error.js';

/**
 * Opens the file with the config's projection: a local file through a file-backed Blob, an
 * s3:// object through ranged GETs (the footer, then only the projected column chunks of one row
 * group at a time; the object is never downloaded whole). parquet-wasm turns a failed read into
 * text of its own, so the object-storage error (endpoint, credentials) is thrown in its place.
 */
export async function openParquet(config: Config, signal?: AbortSignal): Promise<ParquetBatches> {
  const c = { ...DEFAULTS, ...config };
  const path = c.file_path;
  const input = isObjectUrl(path) ? await openInput(path, c, signal) : undefined;
  const fail = (error: unknown) => input?.failure ?? parquetUserError(path, error);
  const file = await openParquetBatches(path, { columns: c.columns.length ? c.columns : undefined, blob: await input?.blob() }).catch((error: unknown) => {
    throw fail(error);
  });
  async function* batches(): AsyncGenerator<RecordBatch> {
    try {
      yield* file.batches();
    } catch (error) {
      throw fail(error);
    }
  }
  return { schema: file.schema, numRows: file.numRows, numRowGroups: file.numRowGroups, batches };
}
