import { AbortMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import type { ObjectUrl } from '@pypeline/sdk';
import { s3Target } from './s3-client.js';
import { s3Error } from './s3-error.js';
import type { S3Options } from './s3-options.js';

/** Where an s3:// path is served, for check messages. */
export function s3Where(options: S3Options): string {
  return s3Target(options).where;
}

/** checkOutput for an s3:// path: starts a multipart upload and aborts it, so nothing is written. */
export async function checkS3Output(path: string, url: ObjectUrl, options: S3Options, signal?: AbortSignal): Promise<string> {
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
