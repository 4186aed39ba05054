import { realpathSync, readlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ModuleError } from './errors.js';
import { parseObjectUrl, type ObjectUrl } from './object-url.js';

/** Who names a path and what the root is called, for the message: `out: config "output_path"`, `settings.allowed_root`. */
export interface PathGuardLabels {
  /** The module and field, or the request field, that names the path. */
  where: string;
  /** How the user knows the root, e.g. `settings.allowed_root` or `the upload folder`. */
  rootName: string;
  /** What the user should do instead. */
  fix: string;
}

/** A path that leaves its allowed root (by `..`, an absolute path or a symlink). Retrying cannot help. */
export class PathOutsideRootError extends ModuleError {
  constructor(
    message: string,
    hint: string,
    readonly path: string,
    readonly root: string,
  ) {
    super(message, { retryable: false, hint });
    this.name = 'PathOutsideRootError';
  }
}

/**
 * The one path guard: resolves `path` (relative to the working directory, as modules open it)
 * and returns it absolute when it stays inside `root`; otherwise throws PathOutsideRootError
 * naming `labels.where`, the value, the root and the fix. Symlinks are followed in the part
 * that exists, and dangling links too, so a file not written yet under a linked folder that
 * points elsewhere is refused.
 *
 * An object-storage path (`s3://bucket/key`) is inside only a root that is itself an `s3://`
 * prefix of the same bucket, on a `/` boundary; keys with `.` or `..` segments are refused
 * (S3 keeps them literally, but a reader would take them for a climb). A local root never
 * contains an object-storage path, nor an `s3://` root a local one.
 * @example guardPath(config.output_path, allowedRoot, { where: 'out: config "output_path"', rootName: 'settings.allowed_root', fix: 'use a path under /data' })
 */
export function guardPath(path: string, root: string, labels: PathGuardLabels): string {
  const object = parseObjectUrl(path);
  const objectRoot = parseObjectUrl(root);
  if (object || objectRoot) return guardObjectPath(path, object, root, objectRoot, labels);
  const absolute = resolve(path);
  const realRoot = realish(resolve(root));
  const target = realish(absolute);
  if (target !== undefined && realRoot !== undefined && isInside(realRoot, target)) return absolute;
  const via = target === undefined ? ' (it cannot be resolved: a symlink loop or a folder without read permission)' : target !== absolute ? ` (it resolves to ${target})` : '';
  throw new PathOutsideRootError(`${labels.where} points outside ${labels.rootName}: ${path}${via} is not inside ${root}`, labels.fix, path, root);
}

function guardObjectPath(path: string, object: ObjectUrl | undefined, root: string, objectRoot: ObjectUrl | undefined, labels: PathGuardLabels): string {
  const refuse = (why: string) => new PathOutsideRootError(`${labels.where} points outside ${labels.rootName}: ${path} ${why}`, labels.fix, path, root);
  if (!object) throw refuse(`is a local path and ${root} is an object-storage prefix`);
  if (!objectRoot) throw refuse(`is in object storage and ${root} is a local folder (a root holds local paths or s3:// paths, not both)`);
  if (object.key.split('/').some((part) => part === '.' || part === '..')) throw refuse('has a "." or ".." segment in its key');
  const prefix = objectRoot.key.replace(/\/+$/, '');
  const inside = object.bucket === objectRoot.bucket && (prefix === '' || object.key === prefix || object.key.startsWith(`${prefix}/`));
  if (!inside) throw refuse(`is not inside ${root}`);
  return path;
}

/** True when `path` is `root` or below it (both already absolute and real). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The real path of the deepest existing ancestor plus the rest as written; a dangling symlink
 * on the way is followed to where it points. Undefined when that cannot be known (a loop, no permission).
 */
function realish(path: string, hops = 0): string | undefined {
  if (hops > 40) return undefined;
  const tail: string[] = [];
  for (let head = path; ; head = dirname(head)) {
    try {
      return resolve(realpathSync(head), ...tail);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A loop or a folder we may not read: where it leads cannot be known, so it is refused.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
    }
    const link = linkTarget(head);
    if (link !== undefined) return realish(resolve(dirname(head), link, ...tail), hops + 1);
    if (dirname(head) === head) return path;
    tail.unshift(basename(head));
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
