import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodegenError } from './codegen-error.js';

/** What codegen needs from a module's package.json. */
export interface PackageInfo {
  name: string;
  /** ESM entry relative to the package root, `./`-prefixed. */
  entry: string;
  /** Runtime dependencies other than `@pypeline/*`, sorted. */
  packages: string[];
  keywords: string[];
  /** `pypeline.manifest` as declared, if any. */
  manifestField?: string;
}

interface PackageJson {
  name?: string;
  main?: string;
  exports?: unknown;
  keywords?: string[];
  dependencies?: Record<string, string>;
  pypeline?: { manifest?: string };
}

export function readPackage(packageDir: string): PackageInfo {
  const path = join(packageDir, 'package.json');
  if (!existsSync(path)) {
    throw new CodegenError(packageDir, [`no package.json here: run pypeline-codegen in a module package directory`]);
  }
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
  const name = pkg.name ?? packageDir;
  return {
    name,
    entry: withDotSlash(entryOf(pkg)),
    packages: Object.keys(pkg.dependencies ?? {}).filter((dep) => !dep.startsWith('@pypeline/')).sort(),
    keywords: pkg.keywords ?? [],
    manifestField: pkg.pypeline?.manifest,
  };
}

/** The file `import('<package>')` loads: exports["."] first, then main, then the convention. */
function entryOf(pkg: PackageJson): string {
  const root = typeof pkg.exports === 'object' && pkg.exports !== null && '.' in pkg.exports
    ? (pkg.exports as Record<string, unknown>)['.']
    : pkg.exports;
  if (typeof root === 'string') return root;
  if (typeof root === 'object' && root !== null) {
    const conditions = root as Record<string, unknown>;
    for (const key of ['import', 'default']) {
      if (typeof conditions[key] === 'string') return conditions[key] as string;
    }
  }
  return pkg.main ?? './dist/index.js';
}

function withDotSlash(path: string): string {
  return path.startsWith('./') ? path : `./${path}`;
}
