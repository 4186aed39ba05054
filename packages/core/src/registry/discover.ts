import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { SUPPORTED_SDK_APIS, type ModuleManifest, type RegistryEntry } from './manifest.js';
import { errorMessage } from '@pypeline/sdk';

export interface DiscoveryProblem {
  package_dir: string;
  message: string;
}

export interface Discovery {
  entries: RegistryEntry[];
  /** Broken packages: reported and skipped, the others still load. */
  problems: DiscoveryProblem[];
}

const PACKAGE_PATTERNS = [/^@pypeline\/mod-/, /^pypeline-mod-/, /^@[^/]+\/pypeline-mod-/];

/**
 * Finds installed module packages without importing their code: every `node_modules`
 * from each start folder up to the file-system root, reading only package.json and the
 * generated manifest.
 */
export function discoverModules(startDirs: string[]): Discovery {
  const seenDirs = new Set<string>();
  const result: Discovery = { entries: [], problems: [] };
  for (const dir of candidatePackageDirs(startDirs)) {
    if (seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    const read = readPackage(dir);
    if (read === null) continue;
    if ('message' in read) result.problems.push(read);
    else if (!result.entries.some((e) => e.package === read.package && e.version === read.version)) result.entries.push(read);
  }
  return result;
}

function* candidatePackageDirs(startDirs: string[]): Generator<string> {
  for (const start of startDirs) {
    let dir = resolve(start);
    for (;;) {
      const nm = join(dir, 'node_modules');
      if (existsSync(nm)) yield* packagesIn(nm);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
}

function* packagesIn(nodeModules: string): Generator<string> {
  for (const name of safeReaddir(nodeModules)) {
    if (name.startsWith('@')) {
      for (const sub of safeReaddir(join(nodeModules, name))) {
        const full = `${name}/${sub}`;
        if (PACKAGE_PATTERNS.some((p) => p.test(full))) yield join(nodeModules, name, sub);
      }
    } else if (PACKAGE_PATTERNS.some((p) => p.test(name))) yield join(nodeModules, name);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Reads one package; null when it is not a PYpeline module at all. */
export function readPackage(dir: string): RegistryEntry | DiscoveryProblem | null {
  let pkg: { name: string; version: string; keywords?: string[]; pypeline?: { manifest?: string }; peerDependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch (err) {
    return { package_dir: dir, message: `unreadable package.json: ${errorMessage(err)}` };
  }
  const manifestRel: string | undefined = pkg.pypeline?.manifest;
  if (!manifestRel) {
    if (pkg.keywords?.includes('pypeline-module')) {
      return { package_dir: dir, message: `${pkg.name} has no "pypeline.manifest" field in package.json (build it with pypeline-codegen)` };
    }
    return null;
  }
  let manifest: ModuleManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, manifestRel), 'utf8'));
  } catch (err) {
    return { package_dir: dir, message: `${pkg.name}: cannot read its manifest ${manifestRel}: ${errorMessage(err)} (was the package built?)` };
  }
  if (!SUPPORTED_SDK_APIS.includes(manifest.sdk_api)) {
    return {
      package_dir: dir,
      message: `${pkg.name}@${pkg.version} declares SDK API ${manifest.sdk_api}; this PYpeline supports ${SUPPORTED_SDK_APIS.join(', ')}. Upgrade the module or PYpeline.`,
    };
  }
  const sdkRange = pkg.peerDependencies?.['@pypeline/sdk'];
  const sdk = sdkRange && !sdkRange.startsWith('workspace:') ? installedSdkVersion(dir) : undefined;
  if (sdkRange && sdk && semver.validRange(sdkRange) && !semver.satisfies(sdk, sdkRange, { includePrerelease: true })) {
    return {
      package_dir: dir,
      message: `${pkg.name}@${pkg.version} needs @pypeline/sdk ${sdkRange}, but ${sdk} is installed: install a version of ${pkg.name} made for SDK ${semver.major(sdk)}.x, or the SDK it asks for (npm install @pypeline/sdk@"${sdkRange}")`,
    };
  }
  if (!manifest.name || !manifest.type || !manifest.entry) {
    return { package_dir: dir, message: `${pkg.name}: manifest lacks name, type or entry` };
  }
  if (!existsSync(join(dir, manifest.entry))) {
    return { package_dir: dir, message: `${pkg.name}: entry ${manifest.entry} does not exist (was the package built?)` };
  }
  return { ...manifest, package: pkg.name, version: pkg.version, module_path: pkg.name, package_dir: dir };
}

/** The version of @pypeline/sdk that the package at `dir` resolves, as Node would load it. */
function installedSdkVersion(dir: string): string | undefined {
  try {
    const file = createRequire(join(dir, 'package.json')).resolve('@pypeline/sdk/package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
