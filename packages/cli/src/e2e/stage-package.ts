import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { versionsFromRepo, VERSIONS_FILE } from '../scaffold/locate-templates.js';
import { ROOT } from './scaffold-helpers.js';

/** Workspace packages by name → folder relative to the repository root. */
function workspacePackages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const group of ['packages', 'modules', 'tools']) {
    for (const dir of readdirSync(join(ROOT, group))) {
      const file = join(ROOT, group, dir, 'package.json');
      if (existsSync(file)) found.set(JSON.parse(readFileSync(file, 'utf8')).name, `${group}/${dir}`);
    }
  }
  return found;
}

/**
 * The workspace packages a project needs to install `roots` (their `workspace:` dependencies,
 * transitively), as folders relative to the repository root.
 */
export function platformPackages(roots: string[]): string[] {
  const all = workspacePackages();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(ROOT, all.get(name)!, 'package.json'), 'utf8'));
    for (const deps of [pkg.dependencies, pkg.peerDependencies]) {
      for (const [dep, range] of Object.entries<string>(deps ?? {})) if (range.startsWith('workspace:')) visit(dep);
    }
  };
  roots.forEach(visit);
  return [...seen].map((name) => all.get(name)!);
}

/**
 * Copies a workspace package into `dest` as `pnpm publish` would pack it: only its `files`,
 * `workspace:` ranges replaced by the versions they point at, and for the CLI the templates
 * its prepack script adds. Done in a copy so the test never writes into the checkout that
 * other tests read at the same time.
 */
export function stagePackage(rel: string, dest: string): string {
  const src = join(ROOT, rel);
  const pkg = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
  const out = join(dest, rel.replace(/\//g, '-'));
  mkdirSync(out, { recursive: true });
  for (const f of [...(pkg.files ?? []), 'README.md']) {
    if (existsSync(join(src, f))) cpSync(join(src, f), join(out, f), { recursive: true });
  }
  delete pkg.devDependencies;
  delete pkg.scripts;
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries<string>(pkg[field] ?? {})) {
      if (range.startsWith('workspace:')) pkg[field][name] = resolveWorkspaceRange(name, range);
    }
  }
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  if (pkg.name === '@pypeline/cli') {
    cpSync(join(ROOT, 'templates'), join(out, 'templates'), { recursive: true });
    writeFileSync(join(out, 'templates', VERSIONS_FILE), JSON.stringify(versionsFromRepo(ROOT)));
  }
  return out;
}

function resolveWorkspaceRange(name: string, range: string): string {
  const rel = workspacePackages().get(name);
  if (!rel) throw new Error(`${name} is not a workspace package under packages/ or tools/`);
  const version = JSON.parse(readFileSync(join(ROOT, rel, 'package.json'), 'utf8')).version;
  const spec = range.slice('workspace:'.length);
  return spec === '*' ? version : spec === '^' || spec === '~' ? `${spec}${version}` : spec;
}
