import { resolve } from 'node:path';
import { fillAtomicFile, openAtomicFile, parseObjectUrl, type AtomicFile } from '@pypeline/sdk';
import type { S3Options } from './s3-options.js';

/**
 * Opens `path` for an all-or-nothing write: an `s3://bucket/key` object as a multipart upload
 * completed by `commit()`, else a local temp file renamed into place (openAtomicFile). Either
 * way nothing is at `path` until `commit()`, and `abort()` leaves nothing behind.
 */
export async function openOutput(path: string, options: S3Options): Promise<AtomicFile> {
  const url = parseObjectUrl(path);
  // The AWS SDK is loaded only for s3:// paths.
  return url ? (await import('./s3-upload.js')).openS3Upload(path, url, options) : openAtomicFile(resolve(path));
}

/** writeFileAtomic for a path that may be an s3:// URL; returns the bytes written. */
export async function writeOutput(path: string, data: AsyncIterable<Uint8Array | string>, options: S3Options): Promise<number> {
  return fillAtomicFile(await openOutput(path, options), data);
}

/** Where a path resolves: an s3:// URL as written, a local path made absolute. */
export function resolvePath(path: string): string {
  return parseObjectUrl(path) ? path : resolve(path);
}
