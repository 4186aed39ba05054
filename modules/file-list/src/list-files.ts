import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { glob } from 'tinyglobby';

export interface FileEntry {
  path: string;
  name: string;
  size: number;
  modified: number;
}

export interface ListOptions {
  pattern: string;
  recursive: boolean;
  includeHidden: boolean;
  signal?: AbortSignal;
}

/** Absolute paths of the regular files under `directory` matching the glob, with size and mtime. */
export async function listFiles(directory: string, options: ListOptions): Promise<FileEntry[]> {
  const pattern = options.recursive && !options.pattern.includes('/') ? `**/${options.pattern}` : options.pattern;
  const paths = await glob(pattern, {
    cwd: directory,
    absolute: true,
    onlyFiles: true,
    dot: options.includeHidden,
    followSymbolicLinks: true,
    expandDirectories: false,
  });
  const entries: FileEntry[] = [];
  for (const path of paths) {
    options.signal?.throwIfAborted();
    const info = await stat(path).catch(() => null);
    // A file removed between listing and stat is simply not there any more.
    if (info?.isFile()) entries.push({ path, name: basename(path), size: info.size, modified: info.mtimeMs });
  }
  return entries;
}

/** Sorts in place; ties (equal sizes or times) fall back to the path so the order is stable across runs. */
export function sortFiles(entries: FileEntry[], by: 'name' | 'modified' | 'size' | 'none', descending: boolean): FileEntry[] {
  if (by === 'none') return descending ? entries.reverse() : entries;
  const byPath = (a: FileEntry, b: FileEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const key = by === 'name' ? byPath : (a: FileEntry, b: FileEntry) => a[by] - b[by] || byPath(a, b);
  const sign = descending ? -1 : 1;
  return entries.sort((a, b) => sign * key(a, b));
}
