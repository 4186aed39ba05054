import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCommand } from './check-manifest.js';

describe('buildCommand (the fix a stale manifest names)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pype-codegen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows the package manager running the script', () => {
    expect(buildCommand(dir, 'npm/11.0.0 node/v20.20.0 linux x64')).toBe('npm run build');
    expect(buildCommand(dir, 'pnpm/10.34.9 npm/? node/v20.20.0 linux x64')).toBe('pnpm build');
  });

  it('else the nearest lockfile, else npm', () => {
    const pkg = join(dir, 'project/modules/mine');
    mkdirSync(pkg, { recursive: true });
    expect(buildCommand(pkg, '')).toMatch(/^(npm run build|pnpm build|yarn build)$/); // whatever lies above the temp folder
    writeFileSync(join(dir, 'project/package-lock.json'), '{}');
    expect(buildCommand(pkg, '')).toBe('npm run build');
    writeFileSync(join(pkg, 'pnpm-lock.yaml'), '');
    expect(buildCommand(pkg, '')).toBe('pnpm build');
  });
});
