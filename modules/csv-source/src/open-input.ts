import { stat } from 'node:fs/promises';
import { openInput, type InputFile, type S3Options } from '@pypeline/object-store';
import { isObjectUrl, ModuleError } from '@pypeline/sdk';
import { fileNotFound } from './csv-errors.js';

/**
 * The file to read, local or an s3:// object. A missing local file is the user's to fix, so it
 * is not retryable; object storage words its own errors (endpoint, credentials, key).
 */
export async function openCsvInput(path: string, s3: S3Options, signal?: AbortSignal): Promise<InputFile> {
  if (isObjectUrl(path)) return openInput(path, s3, signal);
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new ModuleError(`${path} is not a file`, { retryable: false, hint: 'point file_path at a CSV file, not a directory' });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw fileNotFound(path, error);
    throw error;
  }
  return openInput(path, s3, signal);
}
