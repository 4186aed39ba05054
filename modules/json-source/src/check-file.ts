import { stat } from 'node:fs/promises';
import { ModuleError } from '@pypeline/sdk';

/** Fails with the user's fix when `path` is missing or not a file. */
export async function checkFile(path: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new ModuleError(`JSON file ${path} does not exist`, { retryable: false, hint: 'check file_path' });
    throw error;
  });
  if (!info.isFile()) throw new ModuleError(`${path} is not a file`, { retryable: false, hint: 'point file_path at a JSON file, not a folder' });
}
