import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Upload } from '@aws-sdk/lib-storage';
import type { AtomicFile, ObjectUrl } from '@pypeline/sdk';
import { s3Target } from './s3-client.js';
import { s3Error } from './s3-error.js';
import { PART_BYTES, type S3Options } from './s3-options.js';


/**
 * An object being uploaded, with the AtomicFile contract of a local temp file: written chunk by
 * chunk as a multipart upload (parts sent as they fill, a single PUT when the whole object fits
 * in one part), visible at its key only when `commit()` completes the upload. `abort()` (or a
 * failure) aborts the multipart upload, so no object and no parts are left; a process killed
 * mid-upload leaves no object either (S3 completes nothing by itself), only parts that a
 * bucket lifecycle rule (AbortIncompleteMultipartUpload) removes.
 */
export async function openS3Upload(path: string, url: ObjectUrl, options: S3Options): Promise<AtomicFile> {
  const target = s3Target(options);
  if (url.key === '' || url.key.endsWith('/')) {
    throw s3Error(Object.assign(new Error('the path names a bucket or a prefix, not an object key'), { name: 'InvalidKey' }), 'write', path, target);
  }
  const body = new PassThrough({ highWaterMark: 1024 * 1024 });
  const upload = new Upload({ client: target.client, params: { Bucket: url.bucket, Key: url.key, Body: body }, partSize: PART_BYTES, queueSize: 2, leavePartsOnError: false });
  let failure: Error | undefined;
  const done = upload.done().catch((error: unknown) => {
    failure = s3Error(error, 'write', path, target);
    throw failure;
  });
  done.catch(() => {}); // observed by write, commit and abort
  let size = 0;
  let settled = false;
  return {
    path,
    get size() {
      return size;
    },
    async write(chunk) {
      if (failure) throw failure;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (!body.write(bytes)) await Promise.race([once(body, 'drain'), done]);
      if (failure) throw failure;
    },
    async commit() {
      body.end();
      await done;
      settled = true;
    },
    async abort() {
      if (settled) return;
      settled = true;
      // An error in the body makes the upload fail its own way: lib-storage then sends
      // AbortMultipartUpload before done() settles, and never CompleteMultipartUpload.
      body.destroy(Object.assign(new Error('upload aborted'), { name: 'AbortError' }));
      await done.catch(() => {});
    },
  };
}
