import { stat } from 'node:fs/promises';
import { openInput, type InputFile, type S3Options } from '@pypeline/object-store';
import { isObjectUrl, ModuleError } from '@pypeline/sdk';

/** The file to read, local or an s3:// object; fails with the user's fix when a local `path` is missing or not a file. */
export async function openJsonInput(path: string, s3: S3Options, signal?: AbortSignal): Promise<InputFile> {
  if (isObjectUrl(path)) return openInput(path, s3, signal);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new ModuleError(`JSON file ${path} does not exist`, { retryable: false, hint: 'check file_path' });
    throw error;
  });
  if (!info.isFile()) throw new ModuleError(`${path} is not a file`, { retryable: false, hint: 'point file_path at a JSON file, not a folder' });
  return openInput(path, s3, signal);
}
