import type { Command } from 'commander';
import { clearCache, formatBytes, formatTable, listCache, resolveCacheDir } from '@pypeline/core';

export function registerCache(program: Command): void {
  const cache = program.command('cache').description('list or clear the cache of `pype run --cache`');
  const dirOption = '--cache-dir <dir>';
  const dirHelp = 'the cache folder (default: PYPE_CACHE_DIR, else .pype-cache in the working directory)';
  cache
    .command('ls')
    .description('list cached module outputs: key, module, size, age (least recently used first)')
    .option(dirOption, dirHelp)
    .option('--json', 'print the entries as JSON')
    .action((opts: { cacheDir?: string; json?: boolean }) => {
      const dir = resolveCacheDir(opts.cacheDir);
      const entries = listCache(dir);
      if (opts.json) return void process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      if (!entries.length) return void process.stdout.write(`the cache ${dir} is empty (fill it with \`pype run <job> --cache\`)\n`);
      const now = Date.now();
      const rows = entries.map((e) => [e.key.slice(0, 12), `${e.module_id} (${e.name})`, `${e.package}@${e.version}`, formatBytes(e.bytes), String(e.rows_out), age(now - Date.parse(e.created)), age(now - Date.parse(e.last_used))]);
      const table = formatTable(['key', 'module', 'package', 'size', 'rows', 'age', 'last used'], rows);
      const total = entries.reduce((n, e) => n + e.bytes, 0);
      process.stdout.write(`${table}\n\n${entries.length} entries, ${formatBytes(total)} in ${dir}\n`);
    });
  cache
    .command('clear')
    .description('remove every cached module output')
    .option(dirOption, dirHelp)
    .action((opts: { cacheDir?: string }) => {
      const dir = resolveCacheDir(opts.cacheDir);
      const { entries, bytes } = clearCache(dir);
      process.stdout.write(`✓ removed ${entries} entries (${formatBytes(bytes)}) from ${dir}\n`);
    });
}

/** `42 s`, `5 min`, `3 h`, `2 d` ago. */
function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}
