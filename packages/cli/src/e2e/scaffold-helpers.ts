import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');

/** The environment of a developer's shell: no CI (codegen writes), no colours. */
export function devEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { CI: _ci, ...env } = process.env;
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

// Ends a command that hangs (a build on a busy machine takes a minute at most): spawnSync blocks
// the test process, so vitest's own timeout could not.
const COMMAND_TIMEOUT_MS = 300_000;

export function run(cmd: string, args: string[], cwd: string, env = devEnv()): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
}

export interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `run` without blocking, so independent packages build side by side. */
export function runAsync(cmd: string, args: string[], cwd: string, env = devEnv()): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: COMMAND_TIMEOUT_MS }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * Runs one of a package's own scripts as `npm run` would (its node_modules/.bin first on the
 * PATH), without npm's own start-up time.
 */
export function runScript(dir: string, script: string, env = devEnv()): Promise<Finished> {
  const command = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.[script];
  if (!command) return Promise.resolve({ status: 1, stdout: '', stderr: `no script "${script}" in ${dir}` });
  const path = `${join(dir, 'node_modules/.bin')}${delimiter}${env.PATH ?? ''}`;
  return runAsync('sh', ['-c', command], dir, { ...env, PATH: path });
}

export function pype(args: string[], cwd: string, env = devEnv()): SpawnSyncReturns<string> {
  return run(process.execPath, [BIN, ...args], cwd, env);
}

/** Output of a finished command, for assertion messages. */
export function output(r: Finished): string {
  return `exit ${r.status}\n${r.stdout}\n${r.stderr}`;
}

/** A throw-away copy of the repository's skeleton that `pype new-module` takes for the monorepo. */
export function fakeMonorepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'pype-monorepo-'));
  for (const f of ['pnpm-workspace.yaml', 'tsconfig.base.json']) copyFileSync(join(ROOT, f), join(root, f));
  mkdirSync(join(root, 'packages'));
  mkdirSync(join(root, '.changeset'));
  symlinkSync(join(ROOT, 'packages/sdk'), join(root, 'packages/sdk'), 'dir');
  return root;
}

/**
 * Stands in for `npm install` / `pnpm install` of a scaffolded package: links the workspace's
 * @pypeline/sdk and @pypeline/codegen and the toolchain the repository already installed, so
 * the package's own scripts (tsc, pypeline-codegen, vitest) run without a registry.
 */
export function linkToolchain(packageDir: string, nodeModulesRoot = packageDir): void {
  const nm = join(nodeModulesRoot, 'node_modules');
  const link = (target: string, at: string) => {
    if (existsSync(at)) return;
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(realpathSync(target), at, 'dir');
  };
  link(join(ROOT, 'packages/sdk'), join(packageDir, 'node_modules/@pypeline/sdk'));
  link(join(ROOT, 'tools/codegen'), join(packageDir, 'node_modules/@pypeline/codegen'));
  link(join(ROOT, 'packages/sdk/node_modules/apache-arrow'), join(nm, 'apache-arrow'));
  for (const p of ['typescript', 'vitest', '@types/node']) link(join(ROOT, 'node_modules', p), join(nm, p));
  const bin = join(packageDir, 'node_modules/.bin');
  mkdirSync(bin, { recursive: true });
  const bins: Record<string, string> = {
    tsc: join(nm, 'typescript/bin/tsc'),
    vitest: join(nm, 'vitest/vitest.mjs'),
    'pypeline-codegen': join(packageDir, 'node_modules/@pypeline/codegen/bin/pypeline-codegen.js'),
  };
  for (const [name, target] of Object.entries(bins)) if (!existsSync(join(bin, name))) symlinkSync(target, join(bin, name));
}
