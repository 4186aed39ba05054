import { checkReadable, checkWritable, parseObjectUrl } from '@pypeline/sdk';
import { openInput } from './input-file.js';
import type { S3Options } from './s3-options.js';

/**
 * For a module's `check` (`pype check`): that `path` can be read. An s3:// object is asked for
 * its size (HEAD: endpoint, credentials, bucket and key in one call); a local file goes
 * through the SDK's checkReadable.
 */
export async function checkInput(path: string, field: string, options: S3Options, signal?: AbortSignal): Promise<string> {
  if (!parseObjectUrl(path)) return checkReadable(path, field);
  const input = await openInput(path, options, signal);
  return `${path}: readable, ${input.size} bytes at ${(await import('./s3-check.js')).s3Where(options)}`;
}

/**
 * For a module's `check`: that `path` can be written. For an s3:// key a multipart upload is
 * started and aborted at once, which proves the endpoint, the credentials and the right to
 * write there while leaving no object behind.
 */
export async function checkOutput(path: string, field: string, options: S3Options, signal?: AbortSignal): Promise<string> {
  const url = parseObjectUrl(path);
  if (!url) return checkWritable(path, field);
  // The AWS SDK is loaded only for s3:// paths.
  return (await import('./s3-check.js')).checkS3Output(path, url, options, signal);
}
