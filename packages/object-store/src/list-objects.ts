import type { ObjectUrl } from '@pypeline/sdk';
import type { S3Options } from './s3-options.js';

/** One listed object, in the columns file_list gives a local file. */
export interface ObjectEntry {
  /** `s3://bucket/key`. */
  path: string;
  /** The key's last segment. */
  name: string;
  size: number;
  /** Last modified, ms since the epoch. */
  modified: number;
}

export interface ListObjectsOptions {
  /** Glob over the key below the prefix, as file_list matches a path below its folder. */
  pattern: string;
  /** Also match below the first level (a pattern without `/` then matches in every "subfolder"). */
  recursive: boolean;
  /** Match names starting with a dot. */
  includeHidden: boolean;
  /** Keys per ListObjectsV2 page (S3's maximum is 1000). @default 1000 */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * The objects under `prefix` (`s3://bucket/folder`, read as `folder/`) whose key below it
 * matches the glob, every page of ListObjectsV2 followed. Keys ending in `/` (folder markers of
 * consoles) are not objects to read and are left out. Without recursion and with a pattern of
 * one level, only that level is listed (a delimiter), so a deep bucket is not walked.
 */
export async function listObjects(prefix: string, url: ObjectUrl, options: S3Options, list: ListObjectsOptions): Promise<ObjectEntry[]> {
  // The AWS SDK is loaded only when an s3:// prefix is listed.
  return (await import('./s3-list.js')).listS3Objects(prefix, url, options, list);
}
