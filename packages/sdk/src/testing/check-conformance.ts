import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { SDK_API_VERSION, type ModuleDefinition } from '../module.js';
import { checkConfigSchema, type ManifestConfig } from './check-config-schema.js';

/** The package names `pype auto-register` discovers. */
const DISCOVERABLE = [/^@pypeline\/mod-[a-z0-9-]+$/, /^pypeline-mod-[a-z0-9-]+$/, /^@[a-z0-9-~][a-z0-9-._~]*\/pypeline-mod-[a-z0-9-]+$/];

export interface Conformance {
  ok: boolean;
  /** Every problem found, each naming the file and the fix. */
  errors: string[];
}

export interface ConformanceOptions {
  /**
   * The defaults the module's code applies (its `DEFAULTS`): each must equal the `@default`
   * the manifest declares for that optional key, since the engine fills missing keys from the
   * manifest and a module's own tests from the code.
   */
  defaults?: object;
}

interface PackageJson {
  name?: string;
  version?: string;
  keywords?: string[];
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  pypeline?: { manifest?: string };
}

interface Manifest extends ManifestConfig {
  sdk_api: number;
  name: string;
  entry: string;
  type: string;
  description: string;
  category: string;
  input_ports: string[];
  many_input_ports?: string[];
  output_ports: string[];
  globals: string[];
  cacheable?: boolean;
}

/**
 * Checks a built module package the way the registry and the engine will see it: its
 * package.json makes it discoverable and publishable, its manifest declares this SDK's API,
 * agrees with the code's definition (so it is not stale) and has sound defaults, and its
 * migrations target real majors; with `defaults`, that the code's defaults are the manifest's.
 * Imports the package's entry. `packageDir` may be a file URL (`new URL('..', import.meta.url)`).
 */
export async function checkConformance(packageDir: string | URL, options: ConformanceOptions = {}): Promise<Conformance> {
  packageDir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const errors: string[] = [];
  const pkg = readJson<PackageJson>(join(packageDir, 'package.json'), errors);
  if (!pkg) return { ok: false, errors };
  checkPackage(pkg, errors);
  const manifestRel = pkg.pypeline?.manifest ?? './pypeline.manifest.json';
  const manifest = readJson<Manifest>(join(packageDir, manifestRel), errors, 'run the build (tsc, then pypeline-codegen) to generate it');
  if (!manifest) return { ok: false, errors };
  if (manifest.sdk_api !== SDK_API_VERSION) {
    errors.push(`${manifestRel} declares SDK API ${manifest.sdk_api} but @pypeline/sdk is API ${SDK_API_VERSION}: rebuild with the matching @pypeline/codegen`);
  }
  const entry = join(packageDir, manifest.entry ?? '');
  if (!manifest.entry || !existsSync(entry)) {
    errors.push(`the manifest's entry ${manifest.entry} does not exist: run the build`);
  } else {
    const def = (await import(pathToFileURL(entry).href)).default as ModuleDefinition | undefined;
    if (!def || typeof def.run !== 'function') errors.push(`${manifest.entry} has no default export defineModule({...})`);
    else {
      compareDefinition(def, manifest, errors);
      checkMigrations(def, pkg.version ?? '0.0.0', errors);
    }
  }
  errors.push(...checkConfigSchema(manifest));
  if (options.defaults) checkDefaults(options.defaults, manifest, errors);
  return { ok: errors.length === 0, errors };
}

/** checkConformance for any test runner: throws one error listing every problem. */
export async function assertConformance(packageDir: string | URL, options: ConformanceOptions = {}): Promise<void> {
  const { ok, errors } = await checkConformance(packageDir, options);
  if (!ok) throw new Error(`module package ${typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir)} does not conform:\n  - ${errors.join('\n  - ')}`);
}

function checkPackage(pkg: PackageJson, errors: string[]): void {
  if (!pkg.name || !DISCOVERABLE.some((p) => p.test(pkg.name!))) {
    errors.push(`package name ${JSON.stringify(pkg.name)} is not discoverable: name it pypeline-mod-<name> or @<scope>/pypeline-mod-<name> (@pypeline/mod-<name> inside the PYpeline repository)`);
  }
  if (!pkg.keywords?.includes('pypeline-module')) errors.push('package.json keywords lack "pypeline-module": add it');
  if (!pkg.pypeline?.manifest) errors.push('package.json lacks "pypeline": { "manifest": "./pypeline.manifest.json" }: add it so the registry reads the manifest without importing code');
  const manifestFile = (pkg.pypeline?.manifest ?? '').replace(/^\.\//, '');
  if (pkg.files && manifestFile && !pkg.files.includes(manifestFile)) {
    errors.push(`package.json "files" omits ${manifestFile}, so the published package would have no manifest: add it`);
  }
  if (pkg.dependencies?.['@pypeline/sdk']) {
    errors.push('@pypeline/sdk is in dependencies: move it to peerDependencies (and devDependencies) so a project holds one copy');
  } else if (!pkg.peerDependencies?.['@pypeline/sdk']) {
    errors.push('@pypeline/sdk is not in peerDependencies: add it');
  }
}

function compareDefinition(def: ModuleDefinition, manifest: Manifest, errors: string[]): void {
  const fromCode: Record<string, unknown> = {
    name: def.name, type: def.type, description: def.description, category: def.category,
    input_ports: def.inputPorts ?? [], output_ports: def.outputPorts ?? [], globals: def.globals ?? [],
    // Written only when there are some, like the codegen writes it.
    many_input_ports: def.manyInputPorts?.length ? def.manyInputPorts : undefined,
  };
  // Manifests from before caching have no `cacheable`; a present one must match the code.
  if (manifest.cacheable !== undefined) fromCode.cacheable = (def.type === 'source' || def.type === 'mod') && def.cacheable !== false;
  for (const [field, value] of Object.entries(fromCode)) {
    const inManifest = (manifest as unknown as Record<string, unknown>)[field];
    if (JSON.stringify(inManifest) !== JSON.stringify(value)) {
      errors.push(`the manifest is stale: ${field} is ${JSON.stringify(inManifest)} there but ${JSON.stringify(value)} in the code: run the build (tsc, then pypeline-codegen)`);
    }
  }
}

function checkDefaults(defaults: object, manifest: Manifest, errors: string[]): void {
  const optional = manifest.config_schema?.optional ?? {};
  for (const [key, value] of Object.entries(defaults)) {
    if (!(key in optional)) {
      errors.push(`DEFAULTS has "${key}", which is not an optional config key in the manifest: make it optional in Config (with @default) or drop it from DEFAULTS`);
    } else if (!isDeepStrictEqual(optional[key].default, value)) {
      errors.push(`config "${key}" defaults to ${JSON.stringify(value)} in the code (DEFAULTS) but ${JSON.stringify(optional[key].default)} in the manifest: make its @default in src/config.ts match, then rebuild`);
    }
  }
}

function checkMigrations(def: ModuleDefinition, version: string, errors: string[]): void {
  const major = Number(version.split('.')[0]);
  for (const [key, fn] of Object.entries(def.migrations ?? {})) {
    const target = Number(key);
    if (!Number.isInteger(target) || target < 1) {
      errors.push(`migrations key "${key}" is not a major version: key each migration by the major it migrates to (e.g. 2)`);
    } else if (target > major) {
      errors.push(`migrations[${target}] targets a major above this package's version ${version}: bump the major (a changeset with "major") or remove it`);
    }
    if (typeof fn !== 'function') errors.push(`migrations[${key}] is not a function (config) => newConfig`);
  }
}

function readJson<T>(path: string, errors: string[], fix = 'fix the file'): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    errors.push(`cannot read ${path}: ${(error as Error).message.split('\n')[0]}: ${fix}`);
    return undefined;
  }
}
