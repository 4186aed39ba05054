import { ParquetError } from '@pypeline/parquet';
import { fileWriteError } from '@pypeline/sdk';

/**
 * The error a failed write ends with: file-system problems name the file and are retryable
 * unless the path itself is wrong; errors from the input stream pass through unchanged.
 */
export function writeError(path: string, error: unknown): unknown {
  return error instanceof ParquetError ? fileWriteError('Parquet', path, error) : error;
}
