import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSize, PypeError, type CacheOptions, type Hooks, type Listener } from '@pypeline/core';

/** `--events out.jsonl`: one JSON line per event, written as it happens. */
export function eventRecorder(file: string): { listener: Listener; close: () => void } {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const fd = openSync(file, 'w');
  return { listener: (e) => writeSync(fd, `${JSON.stringify(e)}\n`), close: () => closeSync(fd) };
}

/** `--plugin <pkg>`: packages (resolved from cwd) or files whose default export is a Hooks object. */
export async function loadPlugins(specs: string[]): Promise<Hooks[]> {
  const require = createRequire(join(process.cwd(), 'noop.js'));
  const out: Hooks[] = [];
  for (const spec of specs) {
    let url: string;
    try {
      url = pathToFileURL(spec.startsWith('.') || spec.startsWith('/') ? resolve(spec) : require.resolve(spec)).href;
    } catch {
      throw new PypeError(`plugin ${spec} is not installed`, { hint: `npm install ${spec}, or pass a path to a .js file` });
    }
    const mod = await import(url);
    const hooks = mod.default ?? mod.hooks;
    if (!hooks || typeof hooks !== 'object') throw new PypeError(`plugin ${spec} has no default export of hooks`, { hint: 'export default { beforeModule, afterModule, onError, onComplete }' });
    out.push(hooks);
  }
  return out;
}

/** `--cache [--cache-dir d] [--cache-max-size 2GiB]`; the folder and size options imply `--cache`. */
export function cacheOption(opts: { cache?: boolean; cacheDir?: string; cacheMaxSize?: string }): CacheOptions | undefined {
  if (!opts.cache && !opts.cacheDir && !opts.cacheMaxSize) return undefined;
  return { dir: opts.cacheDir, maxBytes: opts.cacheMaxSize === undefined ? undefined : parseSize(opts.cacheMaxSize) };
}

/** `--set key=value` (repeatable): numbers and booleans typed, the rest as text. */
export function parseSets(sets: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new PypeError(`--set ${s}: expected key=value`, { hint: 'e.g. --set input_dir=/data' });
    const raw = s.slice(eq + 1);
    out[s.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return out;
}
