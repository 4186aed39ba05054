/** An `s3://bucket/key` path split into its parts; `key` may be empty (the bucket itself) or end in `/` (a prefix). */
export interface ObjectUrl {
  bucket: string;
  key: string;
}

const S3_URL = /^s3:\/\/([^/]+)(?:\/(.*))?$/s;

/**
 * The bucket and key of an object-storage path (`s3://bucket/key`), or undefined for a local
 * path. Every place that must tell the two apart asks here: the path guard, the cache key and
 * the file modules.
 */
export function parseObjectUrl(path: string): ObjectUrl | undefined {
  const match = S3_URL.exec(path);
  return match ? { bucket: match[1], key: match[2] ?? '' } : undefined;
}

/** Whether `path` names object storage (`s3://`) rather than a local file. */
export function isObjectUrl(path: string): boolean {
  return S3_URL.test(path);
}
