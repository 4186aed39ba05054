import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyModuleDefinition } from '@pypeline/sdk';
import { PypeError } from '../errors.js';
import type { RegistryEntry } from './manifest.js';

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

/** Imports every entry's package once; the broken ones map `package@version` to their error. */
export async function checkModuleImports(entries: readonly RegistryEntry[]): Promise<Map<string, ModuleImportError>> {
  const broken = new Map<string, ModuleImportError>();
  const seen = new Set<string>();
  for (const e of entries) {
    const key = `${e.package}@${e.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      await importModule(join(e.package_dir, e.entry), e.package, e.version);
    } catch (err) {
      if (err instanceof ModuleImportError) broken.set(key, err);
      else throw err;
    }
  }
  return broken;
}

/** `Error: message (at file:line:column)`: the first frame outside node's internals, when there is one. */
function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frame = (err.stack ?? '').split('\n').map((l) => l.trim()).find((l) => l.startsWith('at ') && !l.includes('node:internal'));
  const at = frame ? ` (${frame.replace(/^at .*?\((.*)\)$/, 'at $1')})` : '';
  return `${err.name}: ${err.message.split('\n')[0]}${at}`;
}
