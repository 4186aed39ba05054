import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '@pypeline/core';

// The published CLI carries a copy of templates/ (see scripts/pack-templates.js); a checkout
// of the repository reads the original.
const CANDIDATES = ['../../templates', '../../../../templates'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));

/** The folder holding plopfile.js and module/. */
export function templatesDir(): string {
  const found = CANDIDATES.find((dir) => existsSync(join(dir, 'plopfile.js')));
  if (!found) throw new InternalError(`the module templates are missing (looked in ${CANDIDATES.join(', ')})`);
  return found;
}

/** Versions a standalone module package depends on, as npm ranges or exact versions. */
export interface ScaffoldVersions {
  '@pypeline/sdk': string;
  '@pypeline/codegen': string;
  'apache-arrow': string;
  typescript: string;
  vitest: string;
  '@types/node': string;
  '@changesets/cli': string;
  /** What `pype init` installs into a project: the CLI, core (imported by TypeScript flows) and the standard module palette. */
  project: Record<string, string>;
}

export const VERSIONS_FILE = 'versions.json';

/** From the packed `versions.json`, or from the repository the templates sit in. */
export function scaffoldVersions(dir = templatesDir()): ScaffoldVersions {
  const packed = join(dir, VERSIONS_FILE);
  if (existsSync(packed)) return JSON.parse(readFileSync(packed, 'utf8'));
  return versionsFromRepo(dirname(dir));
}

/** Reads the versions out of a PYpeline checkout (also what the pack script writes). */
export function versionsFromRepo(root: string): ScaffoldVersions {
  const read = (rel: string) => JSON.parse(readFileSync(join(root, rel, 'package.json'), 'utf8'));
  const sdk = read('packages/sdk');
  const rootPkg = read('.');
  return {
    '@pypeline/sdk': sdk.version,
    '@pypeline/codegen': read('tools/codegen').version,
    'apache-arrow': sdk.dependencies['apache-arrow'],
    typescript: rootPkg.devDependencies.typescript,
    vitest: rootPkg.devDependencies.vitest,
    '@types/node': rootPkg.devDependencies['@types/node'],
    '@changesets/cli': rootPkg.devDependencies['@changesets/cli'],
    project: Object.fromEntries(projectPackages(root).map((dir) => read(relative(root, dir))).map((pkg) => [pkg.name, `^${pkg.version}`])),
  };
}

/** The folders of the packages a project of one's own depends on: the CLI, core and every module of the checkout. */
export function projectPackages(root: string): string[] {
  const modules = readdirSync(join(root, 'modules'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'modules', entry.name, 'pypeline.manifest.json')))
    .map((entry) => join(root, 'modules', entry.name));
  return [join(root, 'packages/cli'), join(root, 'packages/core'), ...modules.sort()];
}
