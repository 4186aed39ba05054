import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PypeError } from '@pypeline/core';
import { findMonorepoRoot } from './find-monorepo.js';
import { projectPackages, scaffoldVersions, templatesDir } from './locate-templates.js';

export interface InitOptions {
  /** The folder to create (it may exist if it is empty). */
  dir: string;
  /** The package name; default: the folder's name. */
  name?: string;
}

export interface InitResult {
  dir: string;
  name: string;
  files: string[];
  dependencies: Record<string, string>;
  /** `checkout`: the dependencies are this PYpeline checkout's folders (no registry needed). */
  source: 'checkout' | 'registry';
}

/**
 * Creates a project of one's own: a package.json depending on the CLI, core and the standard
 * module palette, an example flow in YAML and in TypeScript, its data and a README. Run from a
 * checkout, the dependencies are `file:` links to the checkout's packages (built there), so the
 * project installs with no registry; run from an installed CLI, they are the published
 * versions it was released with.
 */
export function initProject(options: InitOptions): InitResult {
  const dir = resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new PypeError(`${dir} already exists and is not empty`, { hint: 'choose a new folder: pype init <folder> creates it' });
  }
  const name = options.name ?? basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new PypeError(`"${name}" is not a valid npm package name`, { hint: 'pass --name with lower-case letters, digits, ".", "_" or "-"' });
  const checkout = findMonorepoRoot(fileURLToPath(new URL('.', import.meta.url)));
  const dependencies = checkout
    ? Object.fromEntries(projectPackages(checkout).map((folder) => [packageName(folder), `file:${folder}`]))
    : scaffoldVersions().project;
  mkdirSync(dir, { recursive: true });
  cpSync(join(templatesDir(), 'project'), dir, { recursive: true });
  // npm drops .gitignore from packed packages, so the template ships it without the dot.
  renameSync(join(dir, 'gitignore'), join(dir, '.gitignore'));
  const readme = join(dir, 'README.md');
  writeFileSync(readme, readFileSync(readme, 'utf8').replaceAll('{{name}}', name));
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { start: 'pype run flows/orders.yaml', validate: 'pype validate flows/orders.yaml && pype validate flows/orders.ts' },
    engines: { node: '>=20.19' },
    dependencies: sortKeys(dependencies),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return { dir, name, files: listFiles(dir).map((f) => relative(dir, f)), dependencies: pkg.dependencies, source: checkout ? 'checkout' : 'registry' };
}

function packageName(folder: string): string {
  return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).name;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)])).sort();
}
