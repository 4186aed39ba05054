import { stat } from 'node:fs/promises';
import { ModuleError } from '@pypeline/sdk';
import { fileNotFound } from './csv-errors.js';

/** The file's size in bytes; a missing file is the user's to fix, so it is not retryable. */
export async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new ModuleError(`${path} is not a file`, { retryable: false, hint: 'point file_path at a CSV file, not a directory' });
    }
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw fileNotFound(path, error);
    throw error;
  }
}
