import { writeFileAtomically } from '@pypeline/parquet';
import { ModuleError } from '@pypeline/sdk';

// Retrying cannot fix a path that names a directory or a folder the user may not write.
const USER_ERRORS = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS']);

/** Writes the Parquet bytes atomically; nothing is left at `path` or beside it on failure. */
export async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomically(path, bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new ModuleError(`cannot write Parquet file ${path}: ${(error as Error).message}`, {
      retryable: !USER_ERRORS.has(code),
      hint: 'check that output_path names a file (not a directory) in a writable location with free space',
      cause: error,
    });
  }
}
