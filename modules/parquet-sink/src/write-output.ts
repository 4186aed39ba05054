import { ParquetError } from '@pypeline/parquet';
import { ModuleError } from '@pypeline/sdk';

// Retrying cannot fix a path that names a directory or a folder the user may not write.
const USER_ERRORS = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS', 'EEXIST']);

/**
 * The error a failed write ends with: file-system problems name the file and are retryable
 * unless the path itself is wrong; errors from the input stream pass through unchanged.
 */
export function writeError(path: string, error: unknown): unknown {
  if (!(error instanceof ParquetError)) return error;
  const code = ((error.cause as NodeJS.ErrnoException | undefined)?.code) ?? '';
  return new ModuleError(error.message.startsWith('cannot write') ? error.message : `cannot write Parquet file ${path}: ${error.message}`, {
    retryable: !USER_ERRORS.has(code),
    hint: 'check that output_path names a file (not a directory) in a writable location with free space',
    cause: error,
  });
}
