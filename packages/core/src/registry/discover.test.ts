import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverProject } from './discover-project.js';
import { discoverModules } from './discover.js';
import { installFakeModule, writeFakeModule } from './fake-module-package.js';
import { resolveModule } from './resolve-module.js';

function project(): string {
  return mkdtempSync(join(tmpdir(), 'pype-discover-'));
}

describe('discoverModules', () => {
  it('finds @pypeline/mod-*, pypeline-mod-* and @scope/pypeline-mod-* packages, nothing else', () => {
    const root = project();
    installFakeModule(root, { package: '@pypeline/mod-a-solo', name: 'a_solo' });
    installFakeModule(root, { package: 'pypeline-mod-b-solo', name: 'b_solo' });
    installFakeModule(root, { package: '@acme/pypeline-mod-c-solo', name: 'c_solo' });
    installFakeModule(root, { package: 'not-a-module', name: 'd_solo' });
    const { entries, problems } = discoverModules([root]);
    expect(entries.map((e) => `${e.package} ${e.name}`).sort()).toEqual([
      '@acme/pypeline-mod-c-solo c_solo', '@pypeline/mod-a-solo a_solo', 'pypeline-mod-b-solo b_solo',
    ]);
    expect(problems).toEqual([]);
  });

  it('refuses an unsupported SDK API before importing any code, naming the supported versions', () => {
    const root = project();
    const marker = join(root, 'imported');
    const dir = installFakeModule(root, { package: 'pypeline-mod-future', version: '3.0.0', name: 'future', manifest: { sdk_api: 2 } });
    writeFileSync(join(dir, 'dist/index.js'), `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export default {};`);
    const { entries, problems } = discoverModules([root]);
    expect(entries).toEqual([]);
    expect(problems).toEqual([{ package_dir: dir, message: 'pypeline-mod-future@3.0.0 declares SDK API 2; this PYpeline supports 1. Upgrade the module or PYpeline.' }]);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a module whose peer range excludes the installed SDK, and keeps one the range allows', () => {
    const root = project();
    const sdk = join(root, 'node_modules/@pypeline/sdk');
    mkdirSync(sdk, { recursive: true });
    writeFileSync(join(sdk, 'package.json'), JSON.stringify({ name: '@pypeline/sdk', version: '1.4.2', exports: { './package.json': './package.json' } }));
    const old = installFakeModule(root, { package: 'pypeline-mod-old', version: '0.3.0', name: 'old', peerDependencies: { '@pypeline/sdk': '^0.9.0' } });
    installFakeModule(root, { package: 'pypeline-mod-fits', name: 'fits', peerDependencies: { '@pypeline/sdk': '^1.2.0' } });
    installFakeModule(root, { package: 'pypeline-mod-any', name: 'any' });
    const { entries, problems } = discoverModules([root]);
    expect(entries.map((e) => e.name).sort()).toEqual(['any', 'fits']);
    expect(problems).toEqual([{
      package_dir: old,
      message: 'pypeline-mod-old@0.3.0 needs @pypeline/sdk ^0.9.0, but 1.4.2 is installed: install a version of pypeline-mod-old made for SDK 1.x, or the SDK it asks for (npm install @pypeline/sdk@"^0.9.0")',
    }]);
  });

  it('reports broken packages and still loads the others', () => {
    const root = project();
    installFakeModule(root, { package: 'pypeline-mod-good', name: 'good' });
    writeFileSync(join(installFakeModule(root, { package: 'pypeline-mod-bad-json', name: 'bad_json' }), 'pypeline.manifest.json'), '{ nope');
    installFakeModule(root, { package: 'pypeline-mod-no-entry', name: 'no_entry', manifest: { entry: './dist/missing.js' } });
    const { entries, problems } = discoverModules([root]);
    expect(entries.map((e) => e.name)).toEqual(['good']);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^pypeline-mod-bad-json: cannot read its manifest \.\/pypeline\.manifest\.json: .*\(was the package built\?\)$/),
      'pypeline-mod-no-entry: entry ./dist/missing.js does not exist (was the package built?)',
    ]);
  });
});

describe('discoverProject', () => {
  it('adds the module packages of the enclosing workspace, deduplicated', () => {
    const root = project();
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - modules/*\n  - tools\n');
    const target = writeFakeModule(join(root, 'modules', 'new-one'), { package: '@pypeline/mod-new-one', name: 'new_one' });
    installFakeModule(root, { package: 'pypeline-mod-linked', name: 'linked' });
    // The same package linked into node_modules and present in the workspace counts once.
    writeFakeModule(join(root, 'modules', 'linked'), { package: 'pypeline-mod-linked', name: 'linked' });
    const { entries } = discoverProject(join(root, 'modules'));
    expect(entries.map((e) => e.name).sort()).toEqual(['linked', 'new_one']);
    expect(entries.find((e) => e.name === 'new_one')!.package_dir).toBe(target);
  });
});

describe('resolveModule', () => {
  it('calls two packages claiming one name an error and says how to choose', () => {
    const root = project();
    installFakeModule(root, { package: '@pypeline/mod-csv-source', name: 'csv_source', type: 'source' });
    installFakeModule(root, { package: '@acme/pypeline-mod-csv-source', name: 'csv_source', type: 'source' });
    const discovery = discoverModules([root]);
    const ambiguous = resolveModule(discovery, 'csv_source');
    expect(ambiguous).toEqual({
      error: expect.stringMatching(/^module "csv_source" is provided by several packages: (@acme\/pypeline-mod-csv-source, @pypeline\/mod-csv-source|@pypeline\/mod-csv-source, @acme\/pypeline-mod-csv-source)$/),
      hint: expect.stringMatching(/^add `package: @(acme|pypeline)\/\S+` to this module to choose one$/),
    });
    const chosen = resolveModule(discovery, 'csv_source', '@acme/pypeline-mod-csv-source');
    expect('entry' in chosen && chosen.entry.package).toBe('@acme/pypeline-mod-csv-source');
  });
});
