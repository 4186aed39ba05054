import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PypeError } from '@pypeline/core';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

const LOCKFILES: [string, PackageManager][] = [['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn'], ['package-lock.json', 'npm']];

/** The project folder (nearest package.json) and the package manager its lockfile names (npm when none). */
export function findProject(cwd: string): { dir: string; manager: PackageManager } {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const manager = LOCKFILES.find(([file]) => existsSync(join(dir, file)))?.[1] ?? 'npm';
      return { dir, manager };
    }
    if (dirname(dir) === dir) throw new PypeError(`no package.json in ${cwd} or above it`, { hint: 'run this in a project folder; create one with `pype init <folder>`' });
  }
}

/** Runs the project's package manager to add or remove packages, its output shown as it goes. */
export function runPackageManager(project: { dir: string; manager: PackageManager }, action: 'add' | 'remove', specs: string[]): void {
  const verb = { npm: { add: 'install', remove: 'uninstall' }, pnpm: { add: 'add', remove: 'remove' }, yarn: { add: 'add', remove: 'remove' } }[project.manager][action];
  const args = [verb, ...specs, ...(project.manager === 'npm' ? ['--no-audit', '--no-fund'] : [])];
  const r = spawnSync(project.manager, args, { cwd: project.dir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new PypeError(`cannot run ${project.manager}: ${r.error.message}`, { hint: `install ${project.manager}, or run \`${project.manager} ${args.join(' ')}\` yourself` });
  if (r.status !== 0) throw new PypeError(`${project.manager} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`, { hint: 'fix what the package manager printed above and try again' });
}

/**
 * A package spec from what the user typed: a module name (`csv_source`, `csv_source@^1`) is the
 * standard package `@pypeline/mod-csv-source`; a folder (`./my-module`, `file:…`) is linked;
 * anything else is passed on as a package spec.
 */
export function packageSpec(input: string, cwd = process.cwd()): { spec: string; name: string } {
  const folder = resolve(cwd, input.replace(/^file:/, ''));
  if (/^(\.|\/|file:)/.test(input) && existsSync(join(folder, 'package.json'))) {
    return { spec: `file:${folder}`, name: JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).name };
  }
  const m = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(@.+)?$/.exec(input);
  if (m) {
    const name = `@pypeline/mod-${m[1].replace(/_/g, '-')}`;
    return { spec: `${name}${m[2] ?? ''}`, name };
  }
  const at = input.lastIndexOf('@');
  return { spec: input, name: at > 0 ? input.slice(0, at) : input };
}
