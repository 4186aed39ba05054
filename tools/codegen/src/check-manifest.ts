import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MANIFEST_FILE } from './manifest.js';

export interface ManifestCheck {
  ok: boolean;
  /** Why the committed file is stale, naming it and the fix; empty when ok. */
  message: string;
}

/** Compares freshly generated manifest text with the committed file. */
export function compareManifest(packageDir: string, packageName: string, fresh: string): ManifestCheck {
  return compareGenerated(packageDir, packageName, MANIFEST_FILE, fresh);
}

/** Compares one freshly generated file (the manifest, the typed factory) with the committed one. */
export function compareGenerated(packageDir: string, packageName: string, file: string, fresh: string): ManifestCheck {
  const path = join(packageDir, file);
  const fix = `run \`${buildCommand(packageDir)}\` (tsc, then pypeline-codegen) in ${packageDir} and commit ${file}`;
  if (!existsSync(path)) {
    return { ok: false, message: `${packageName}: ${path} is missing: ${fix}` };
  }
  const committed = readFileSync(path, 'utf8');
  if (committed === fresh) return { ok: true, message: '' };
  return { ok: false, message: `${packageName}: ${path} is stale (${firstDifference(committed, fresh)}): ${fix}` };
}

/** `pnpm build`, `yarn build` or `npm run build`: the package manager running us, else the one whose lockfile is nearest. */
export function buildCommand(packageDir: string, userAgent = process.env.npm_config_user_agent ?? ''): string {
  const LOCKS: [string, string][] = [['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn'], ['package-lock.json', 'npm']];
  let manager = /^(pnpm|yarn|npm)\//.exec(userAgent)?.[1];
  for (let dir = resolve(packageDir); !manager; dir = dirname(dir)) {
    manager = LOCKS.find(([lock]) => existsSync(join(dir, lock)))?.[1];
    if (dirname(dir) === dir) break;
  }
  return manager === 'pnpm' || manager === 'yarn' ? `${manager} build` : 'npm run build';
}

function firstDifference(committed: string, fresh: string): string {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `first difference at line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end of file>')}, expected ${JSON.stringify(b[at] ?? '<end of file>')}`;
}
