import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyModuleDefinition } from '@pypeline/sdk';
import { PypeError } from '../errors.js';
import type { RegistryEntry } from './manifest.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** A module package whose code cannot be loaded: it throws when imported, or exports no module. */
export class ModuleImportError extends PypeError {
  constructor(
    readonly pkg: string,
    message: string,
    hint: string,
    cause?: unknown,
  ) {
    super(message, { hint, cause });
    this.name = 'ModuleImportError';
  }
}

/**
 * Imports a module package's entry file. A package that throws while being imported (a
 * missing dependency, a syntax error, top-level code that fails) is named with the cause and
 * where it was thrown, so the fix is in the package, not in the job.
 */
export async function importModule(file: string, pkg: string, version: string): Promise<AnyModuleDefinition> {
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new ModuleImportError(pkg, `${pkg}@${version} throws when imported: ${describeCause(err)}`, `the package's own code fails as it loads (${file}); fix or reinstall ${pkg} (npm install ${pkg}@${version}), or ask its author`, err);
  }
  const def = mod.default as AnyModuleDefinition | undefined;
  if (!def || typeof def.run !== 'function') {
    throw new ModuleImportError(pkg, `${pkg}@${version} does not export a module (expected \`export default defineModule({...})\` in ${file})`, `check the package's entry and build (its manifest names ${file})`);
  }
  return def;
}

/**
 * Imports every entry's package once, in a child process, and returns the broken ones by
 * `package@version`. A package that throws names the cause; one that ends or hangs the process
 * while loading (process.exit, an endless loop at the top level) is reported as such, and the
 * others are still checked in a new child.
 */
export async function checkModuleImports(entries: readonly RegistryEntry[], options: { timeoutMs?: number } = {}): Promise<Map<string, ModuleImportError>> {
  const broken = new Map<string, ModuleImportError>();
  const queue = [...new Map(entries.map((e) => [`${e.package}@${e.version}`, e])).entries()];
  const timeoutMs = options.timeoutMs ?? 30_000;
  while (queue.length) await checkInChild(queue, broken, timeoutMs);
  return broken;
}

/** Checks entries from the front of `queue` in one child until the queue is empty or the child dies. */
function checkInChild(queue: [string, RegistryEntry][], broken: Map<string, ModuleImportError>, timeoutMs: number): Promise<void> {
  const child = fork(fileURLToPath(new URL('dist/registry/import-check-child.js', PACKAGE_ROOT)), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  return new Promise<void>((resolve) => {
    let current: [string, RegistryEntry] | undefined;
    let timer: NodeJS.Timeout | undefined;
    const fail = (why: string) => {
      if (!current) return;
      const [key, e] = current;
      broken.set(key, new ModuleImportError(e.package, `${key} ${why} while being imported${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`, `its code must only define the module when loaded; fix or reinstall ${e.package}, or ask its author`));
      current = undefined;
    };
    const next = () => {
      clearTimeout(timer);
      current = queue.shift();
      if (!current) {
        child.disconnect();
        return;
      }
      const [key, e] = current;
      stderr = '';
      timer = setTimeout(() => {
        fail(`did not finish loading within ${timeoutMs / 1000} s`);
        child.kill('SIGKILL');
      }, timeoutMs);
      child.send({ key, file: join(e.package_dir, e.entry), pkg: e.package, version: e.version });
    };
    child.on('message', (m: { ready?: boolean; key?: string; message?: string; hint?: string }) => {
      if (m.ready) return next();
      if (current && m.key === current[0] && m.message) broken.set(m.key, new ModuleImportError(current[1].package, m.message, m.hint ?? ''));
      next();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`ended the process (${signal ?? `exit code ${code}`})`);
      resolve();
    });
  });
}

/** `Error: message (at file:line:column)`: the first frame outside node's internals, when there is one. */
function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frame = (err.stack ?? '').split('\n').map((l) => l.trim()).find((l) => l.startsWith('at ') && !l.includes('node:internal'));
  const at = frame ? ` (${frame.replace(/^at .*?\((.*)\)$/, 'at $1')})` : '';
  return `${err.name}: ${err.message.split('\n')[0]}${at}`;
}
