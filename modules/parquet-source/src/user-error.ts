import { ParquetError } from '@pypeline/parquet';
import { ModuleError } from '@pypeline/sdk';

/** A ParquetError as the user's to fix (a missing file, a bad projection); anything else as it is. */
export function parquetUserError(path: string, error: unknown): unknown {
  if (!(error instanceof ParquetError)) return error;
  return new ModuleError(error.message, {
    retryable: false,
    hint: /does not exist/.test(error.message) ? 'check file_path (relative paths are resolved from the directory pype runs in)' : 'check that file_path is a Parquet file and that every name in columns is one of its columns',
    cause: error,
  });
}
