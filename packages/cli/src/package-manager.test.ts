import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProject, packageSpec } from './package-manager.js';

describe('packageSpec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pype-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('turns a module name into its standard package, keeping a version or range', () => {
    expect(packageSpec('csv_source')).toEqual({ spec: '@pypeline/mod-csv-source', name: '@pypeline/mod-csv-source' });
    expect(packageSpec('csv_source@^1')).toEqual({ spec: '@pypeline/mod-csv-source@^1', name: '@pypeline/mod-csv-source' });
  });

  it('passes package specs on, scoped or not, with their version', () => {
    expect(packageSpec('@acme/pypeline-mod-x@2.1.0')).toEqual({ spec: '@acme/pypeline-mod-x@2.1.0', name: '@acme/pypeline-mod-x' });
    expect(packageSpec('@acme/pypeline-mod-x')).toEqual({ spec: '@acme/pypeline-mod-x', name: '@acme/pypeline-mod-x' });
    expect(packageSpec('pypeline-mod-y@latest')).toEqual({ spec: 'pypeline-mod-y@latest', name: 'pypeline-mod-y' });
  });

  it('links a folder holding a package, by the name in its package.json', () => {
    mkdirSync(join(dir, 'my-module'));
    writeFileSync(join(dir, 'my-module/package.json'), JSON.stringify({ name: '@me/pypeline-mod-mine' }));
    expect(packageSpec('./my-module', dir)).toEqual({ spec: `file:${join(dir, 'my-module')}`, name: '@me/pypeline-mod-mine' });
  });
});

describe('findProject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pype-project-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the nearest package.json above and the package manager its lockfile names', () => {
    writeFileSync(join(dir, 'package.json'), '{}');
    mkdirSync(join(dir, 'flows'));
    expect(findProject(join(dir, 'flows'))).toEqual({ dir, manager: 'npm' });
    writeFileSync(join(dir, 'pnpm-lock.yaml'), '');
    expect(findProject(join(dir, 'flows'))).toEqual({ dir, manager: 'pnpm' });
  });
});
