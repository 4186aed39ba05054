import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { Int64, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { listObjects, resolvePath } from '@pypeline/object-store';
import { defineModule, guardPath, ModuleError, parseObjectUrl } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { listFiles, sortFiles, type FileEntry, type ListOptions } from './list-files.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'file_list',
  type: 'source',
  description: 'Lists the files of a folder (or the objects under an s3:// prefix) that match a glob, one row per file, for an ITERATE loop',
  category: 'File Sources',
  // The folder's files can change between runs without the config changing.
  cacheable: false,
  outputPorts: ['files'],
  globals: ['count', 'directory'],
  // The columns do not depend on the folder: the table of no files has them all.
  outputSchemas: () => ({ outputs: { files: toTable([]).schema } }),
  async check({ config, signal }) {
    const c = { ...DEFAULTS, ...config };
    const found = await list(resolvePath(c.directory), c, { pattern: c.pattern, recursive: c.recursive, includeHidden: c.include_hidden, signal });
    return `${c.directory}: ${found.length} file${found.length === 1 ? '' : 's'} match "${c.pattern}"`;
  },
  async run(_inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const directory = resolvePath(config.directory);
    if (config.pattern.split(/[\\/]/).includes('..')) throw climbsOut(config.pattern);
    const found = await list(directory, config, { pattern: config.pattern, recursive: config.recursive, includeHidden: config.include_hidden, signal: ctx.signal });
    // A safety net: whatever the glob library makes of a pattern, no match may lie above directory.
    if (!parseObjectUrl(directory) && found.some((e) => relative(directory, e.path).startsWith(`..${sep}`))) throw climbsOut(config.pattern);
    // directory itself was checked before run; a symlinked entry or subfolder may still lead out of the root.
    const root = ctx.allowedRoot;
    if (root) {
      const fix = `remove the link or move its target under ${root}, or list a folder without it`;
      for (const e of found) guardPath(e.path, root, { where: `${ctx.moduleId}: listed file ${e.path}`, rootName: 'settings.allowed_root', fix });
    }
    const entries = sortFiles(found, config.sort, config.descending);
    if (entries.length === 0 && config.error_if_empty) {
      throw new ModuleError(`no file in ${directory} matches "${config.pattern}"${config.recursive ? ' (subfolders included)' : ''}`, {
        retryable: true,
        hint: 'check directory and pattern, or set error_if_empty: false to carry on with an empty list',
      });
    }
    ctx.setGlobal('count', entries.length);
    ctx.setGlobal('directory', directory);
    ctx.logger.info('listed files', { directory, pattern: config.pattern, count: entries.length });
    return { files: toTable(entries) };
  },
});

/** The matches under a local folder, or under an s3:// prefix (every page of the listing). */
async function list(directory: string, config: Config, options: ListOptions): Promise<FileEntry[]> {
  const url = parseObjectUrl(directory);
  if (url) return listObjects(directory, url, config, options);
  await checkDirectory(directory);
  return listFiles(directory, options);
}

/** A pattern names files under directory; listing its parents is what directory (a checked path) is for. */
function climbsOut(pattern: string): ModuleError {
  return new ModuleError(`pattern "${pattern}" climbs out of the folder with ".."`, { retryable: false, hint: 'set directory to the folder to list and keep pattern to names below it' });
}

async function checkDirectory(directory: string): Promise<void> {
  const info = await stat(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new ModuleError(`cannot read folder ${directory}: ${error.message}`, { retryable: false, hint: 'check the permissions of directory' });
  });
  if (!info) throw new ModuleError(`folder ${directory} does not exist`, { retryable: false, hint: 'check directory (relative paths start at the folder pype runs in)' });
  if (!info.isDirectory()) throw new ModuleError(`${directory} is a file, not a folder`, { retryable: false, hint: 'set directory to its folder and pattern to its name' });
}

/** Columns path, name, size (bytes) and modified (UTC, ms): `{{iter.item.path}}` etc. in a loop. */
function toTable(entries: FileEntry[]): Table {
  return new Table({
    path: vectorFromArray(entries.map((e) => e.path), new Utf8()),
    name: vectorFromArray(entries.map((e) => e.name), new Utf8()),
    size: vectorFromArray(entries.map((e) => BigInt(e.size)), new Int64()),
    modified: vectorFromArray(entries.map((e) => new Date(Math.floor(e.modified))), new TimestampMillisecond()),
  });
}
