import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** A module package being developed in the workspace: its folder, name, and whether it has a `build` script. */
export interface WorkspacePackage {
  dir: string;
  name: string;
  buildable: boolean;
}

/**
 * The packages of the given module entry files that live in the workspace (their real folder is
 * not inside a node_modules, as installed packages are; a workspace link resolves to its source).
 */
export function workspacePackages(entries: readonly string[]): WorkspacePackage[] {
  const found = new Map<string, WorkspacePackage>();
  for (const entry of entries) {
    const dir = packageDirOf(entry);
    if (!dir || dir.split(sep).includes('node_modules') || found.has(dir)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; scripts?: Record<string, string> };
    found.set(dir, { dir, name: pkg.name ?? dir, buildable: typeof pkg.scripts?.build === 'string' });
  }
  return [...found.values()];
}

function packageDirOf(entry: string): string | undefined {
  if (!existsSync(entry)) return undefined;
  for (let dir = dirname(realpathSync(entry)); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** The folder whose saves rebuild a package: its `src` when it has one (a build writes elsewhere), else the package. */
export function sourceDirOf(pkg: WorkspacePackage): string {
  return existsSync(join(pkg.dir, 'src')) ? join(pkg.dir, 'src') : pkg.dir;
}

/**
 * Runs the package's `build` script (through npm, which runs scripts the same under any
 * package manager) and resolves with its exit code and output. `signal` kills the build.
 */
export function buildPackage(pkg: WorkspacePackage, signal: AbortSignal): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'build'], { cwd: pkg.dir, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => {
      if (err.name !== 'AbortError') output += `cannot run npm: ${err.message}\n`;
    });
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}
