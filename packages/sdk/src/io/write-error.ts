import { errorCode, errorMessage, ModuleError } from '../errors.js';

// Retrying cannot fix a path that names a folder or a place the user may not write.
const USER_ERRORS = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS', 'EEXIST']);

/**
 * The error a file sink's failed write ends with: `cannot write <kind> file <path>: …`, with the
 * fix, retryable unless the path itself is wrong (a folder, no permission, a read-only file
 * system). The file system's code is read from the error or its cause (a library's wrapper).
 */
export function fileWriteError(kind: string, path: string, error: unknown): ModuleError {
  const message = errorMessage(error);
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause) ?? '';
  return new ModuleError(message.startsWith('cannot write') ? message : `cannot write ${kind} file ${path}: ${message}`, {
    retryable: !USER_ERRORS.has(code),
    hint: 'check that output_path names a file (not a folder) in a writable place with free space',
    cause: error,
  });
}
