import { AbortMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { checkReadable, checkWritable, parseObjectUrl } from '@pypeline/sdk';
import { openInput } from './input-file.js';
import { s3Target } from './s3-client.js';
import { s3Error } from './s3-error.js';
import type { S3Options } from './s3-options.js';

/**
 * For a module's `check` (`pype check`): that `path` can be read. An s3:// object is asked for
 * its size (HEAD: endpoint, credentials, bucket and key in one call); a local file goes
 * through the SDK's checkReadable.
 */
export async function checkInput(path: string, field: string, options: S3Options, signal?: AbortSignal): Promise<string> {
  if (!parseObjectUrl(path)) return checkReadable(path, field);
  const input = await openInput(path, options, signal);
  return `${path}: readable, ${input.size} bytes at ${s3Target(options).where}`;
}

/**
 * For a module's `check`: that `path` can be written. For an s3:// key a multipart upload is
 * started and aborted at once, which proves the endpoint, the credentials and the right to
 * write there while leaving no object behind.
 */
export async function checkOutput(path: string, field: string, options: S3Options, signal?: AbortSignal): Promise<string> {
  const url = parseObjectUrl(path);
  if (!url) return checkWritable(path, field);
  const target = s3Target(options);
  try {
    const started = await target.client.send(new CreateMultipartUploadCommand({ Bucket: url.bucket, Key: url.key }), { abortSignal: signal });
    await target.client.send(new AbortMultipartUploadCommand({ Bucket: url.bucket, Key: url.key, UploadId: started.UploadId }), { abortSignal: signal }).catch((error: { name?: string }) => {
      // A service without AbortMultipartUpload (some S3 stand-ins) keeps an empty upload that
      // never becomes an object; the write right was proved by starting it.
      if (error.name !== 'MethodNotAllowed' && error.name !== 'NotImplemented') throw error;
    });
  } catch (error) {
    throw s3Error(error, 'write', path, target);
  }
  return `${path}: writable at ${target.where}`;
}
