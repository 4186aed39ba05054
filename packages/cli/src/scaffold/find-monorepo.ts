import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The PYpeline repository root above `dir`: a pnpm workspace holding packages/sdk as @pypeline/sdk. */
export function findMonorepoRoot(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, 'pnpm-workspace.yaml')) && isSdk(join(at, 'packages/sdk/package.json'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

function isSdk(file: string): boolean {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).name === '@pypeline/sdk';
  } catch {
    return false;
  }
}
