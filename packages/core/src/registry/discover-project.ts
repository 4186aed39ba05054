import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { discoverModules, readPackage, type Discovery } from './discover.js';

/**
 * What `pype auto-register` and `pype list-modules` see from a folder: the module packages
 * installed in every `node_modules` up the tree, plus the module packages of the enclosing
 * workspace (pnpm-workspace.yaml or package.json `workspaces`), which a freshly scaffolded
 * module is part of before anything depends on it. Nothing is imported.
 */
export function discoverProject(dir: string): Discovery {
  const discovery = discoverModules([dir]);
  // A workspace package is usually also linked into node_modules: read once (start-up of `pype run`).
  const found = new Set(discovery.entries.map((e) => realDir(e.package_dir)));
  for (const packageDir of workspacePackageDirs(dir)) {
    if (found.has(realDir(packageDir))) continue;
    const read = readPackage(packageDir);
    if (read === null) continue;
    if ('message' in read) {
      if (!discovery.problems.some((p) => p.message === read.message)) discovery.problems.push(read);
    } else if (!discovery.entries.some((e) => e.package === read.package && e.version === read.version)) {
      discovery.entries.push(read);
    }
  }
  return discovery;
}

function realDir(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch {
    return resolve(dir);
  }
}

/** The package folders of the nearest workspace root above `dir`; none outside a workspace. */
export function workspacePackageDirs(dir: string): string[] {
  const root = findWorkspaceRoot(resolve(dir));
  if (!root) return [];
  return root.patterns.filter((p) => !p.startsWith('!')).flatMap((p) => expand(root.dir, p));
}

function findWorkspaceRoot(start: string): { dir: string; patterns: string[] } | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const patterns = workspacePatterns(dir);
    if (patterns) return { dir, patterns };
    if (dirname(dir) === dir) return undefined;
  }
}

function workspacePatterns(dir: string): string[] | undefined {
  try {
    const pnpm = join(dir, 'pnpm-workspace.yaml');
    if (existsSync(pnpm)) return (parse(readFileSync(pnpm, 'utf8'))?.packages ?? []) as string[];
    const pkg = join(dir, 'package.json');
    if (!existsSync(pkg)) return undefined;
    const workspaces = JSON.parse(readFileSync(pkg, 'utf8')).workspaces;
    if (Array.isArray(workspaces)) return workspaces;
    if (Array.isArray(workspaces?.packages)) return workspaces.packages;
  } catch {
    // An unreadable workspace file only means no workspace packages are found.
  }
  return undefined;
}

// Workspace globs in practice: `dir`, `dir/*` and `dir/**`; the last is read as `dir/*`.
function expand(root: string, pattern: string): string[] {
  const clean = pattern.replace(/^\.\//, '').replace(/\/\*\*?$/, '');
  const base = join(root, clean);
  if (!/\/\*\*?$/.test(pattern)) return isPackage(base) ? [base] : [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  return names.map((n) => join(base, n)).filter(isPackage);
}

function isPackage(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && existsSync(join(dir, 'package.json'));
  } catch {
    return false;
  }
}
