import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import picomatch from 'picomatch';
import type { ObjectUrl } from '@pypeline/sdk';
import type { ListObjectsOptions, ObjectEntry } from './list-objects.js';
import { s3Target } from './s3-client.js';
import { s3Error } from './s3-error.js';
import type { S3Options } from './s3-options.js';

/**
 * The objects under `prefix` (`s3://bucket/folder`, read as `folder/`) whose key below it
 * matches the glob, every page of ListObjectsV2 followed. Keys ending in `/` (folder markers of
 * consoles) are not objects to read and are left out. Without recursion and with a pattern of
 * one level, only that level is listed (a delimiter), so a deep bucket is not walked.
 */
export async function listS3Objects(prefix: string, url: ObjectUrl, options: S3Options, list: ListObjectsOptions): Promise<ObjectEntry[]> {
  const target = s3Target(options);
  const folder = url.key === '' || url.key.endsWith('/') ? url.key : `${url.key}/`;
  const oneLevel = !list.pattern.includes('/');
  const pattern = list.recursive && oneLevel ? `**/${list.pattern}` : list.pattern;
  const matches = picomatch(pattern, { dot: list.includeHidden });
  const entries: ObjectEntry[] = [];
  let token: string | undefined;
  do {
    list.signal?.throwIfAborted();
    const command = new ListObjectsV2Command({ Bucket: url.bucket, Prefix: folder, Delimiter: !list.recursive && oneLevel ? '/' : undefined, MaxKeys: list.pageSize ?? 1000, ContinuationToken: token });
    const page = await target.client.send(command, { abortSignal: list.signal }).catch((error: unknown) => {
      throw s3Error(error, 'list', prefix, target);
    });
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      const below = key.slice(folder.length);
      if (below === '' || key.endsWith('/') || !matches(below)) continue;
      entries.push({ path: `s3://${url.bucket}/${key}`, name: below.slice(below.lastIndexOf('/') + 1), size: object.Size ?? 0, modified: object.LastModified?.getTime() ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return entries;
}
