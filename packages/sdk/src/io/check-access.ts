import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ModuleError } from '../errors.js';

/**
 * For a module's `check`: that `path` is a file this process can read. Returns
 * `path: readable, 1.2 MB`; throws a ModuleError naming the field and the fix.
 */
export async function checkReadable(path: string, field: string): Promise<string> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ModuleError(`${field} ${JSON.stringify(path)} ${error.code === 'ENOENT' ? 'does not exist' : `cannot be read: ${error.message}`}`, {
      hint: `check the path (relative paths start at ${process.cwd()}) and the context values in it`,
    });
  });
  if (!info.isFile()) throw new ModuleError(`${field} ${JSON.stringify(path)} is ${info.isDirectory() ? 'a folder' : 'not a regular file'}`, { hint: 'name a file' });
  await access(path, constants.R_OK).catch(() => {
    throw new ModuleError(`${field} ${JSON.stringify(path)} is not readable by this user`, { hint: 'fix its permissions (chmod) or run as its owner' });
  });
  return `${path}: readable, ${formatBytes(info.size)}`;
}

/**
 * For a module's `check`: that a file can be written at `path` — not a folder, and the nearest
 * existing folder above it writable (missing folders are created by the run). Writes nothing.
 */
export async function checkWritable(path: string, field: string): Promise<string> {
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory()) throw new ModuleError(`${field} ${JSON.stringify(path)} is a folder`, { hint: 'name the file to write, e.g. out/result.parquet' });
  let folder = dirname(resolve(path));
  for (;;) {
    const info = await stat(folder).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) throw new ModuleError(`${field} ${JSON.stringify(path)}: ${folder} is a file, not a folder`, { hint: 'choose another output path' });
      break;
    }
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  await access(folder, constants.W_OK).catch(() => {
    throw new ModuleError(`${field} ${JSON.stringify(path)}: the folder ${folder} is not writable by this user`, { hint: 'fix its permissions, or write somewhere else' });
  });
  return `${path}: ${target ? 'exists, will be replaced' : 'will be created'}; ${folder} is writable`;
}

function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}
