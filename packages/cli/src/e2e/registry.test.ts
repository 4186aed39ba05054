import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeModule } from './fake-modules.js';
import { output, pype } from './scaffold-helpers.js';

/** A project with two good modules, a name clash, a broken package and a future SDK API. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'pype-registry-'));
  writeFileSync(join(root, 'package.json'), '{"name":"my-etl","private":true}');
  installFakeModule(root, { package: '@pypeline/mod-hello-solo', version: '0.3.0', name: 'hello_solo', category: 'Utilities', required: ['who'], properties: { who: { type: 'string' } } });
  installFakeModule(root, { package: '@acme/pypeline-mod-ping-solo', version: '1.0.0', name: 'ping_solo', category: 'Network' });
  installFakeModule(root, { package: 'pypeline-mod-ping-solo', version: '2.1.0', name: 'ping_solo', category: 'Network' });
  rmSync(join(installFakeModule(root, { package: 'pypeline-mod-broken', version: '1.0.0', name: 'broken' }), 'dist'), { recursive: true });
  installFakeModule(root, { package: 'pypeline-mod-future', version: '5.0.0', name: 'future', manifest: { sdk_api: 7 } });
  return root;
}

describe('registry commands', { timeout: 180_000 }, () => {
  it('auto-register writes ModRegistry.json in the spec\'s format and reports what it skipped', () => {
    const root = project();
    const r = pype(['auto-register'], root);
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toContain('✓ registered 3 modules in ModRegistry.json');
    expect(r.stdout).toMatch(/hello_solo\s+solo\s+Utilities\s+@pypeline\/mod-hello-solo@0\.3\.0\s+ok\s+hello_solo for tests/);
    expect(r.stderr).toMatch(/! skipped .*pypeline-mod-broken: pypeline-mod-broken: entry \.\/dist\/index\.js does not exist \(was the package built\?\)/);
    expect(r.stderr).toContain('pypeline-mod-future@5.0.0 declares SDK API 7; this PYpeline supports 1. Upgrade the module or PYpeline.');
    expect(r.stderr).toContain('! module "ping_solo" is provided by 2 packages (@acme/pypeline-mod-ping-solo, pypeline-mod-ping-solo)');
    expect(r.stderr).toContain('choose one with `package: @acme/pypeline-mod-ping-solo` next to `name: ping_solo`');

    const registry = JSON.parse(readFileSync(join(root, 'ModRegistry.json'), 'utf8'));
    expect(Object.keys(registry)).toEqual(['hello_solo', '@acme/pypeline-mod-ping-solo:ping_solo', 'pypeline-mod-ping-solo:ping_solo']);
    expect(registry.hello_solo).toEqual({
      module_path: '@pypeline/mod-hello-solo', type: 'solo', version: '0.3.0', description: 'hello_solo for tests', category: 'Utilities',
      input_ports: [], output_ports: [], globals: ['said'], packages: [],
      config_schema: { required: { who: { type: 'string' } }, optional: {} },
      package: '@pypeline/mod-hello-solo', entry: './dist/index.js', sdk_api: 1, package_dir: './node_modules/@pypeline/mod-hello-solo',
    });
  });

  it('register-module adds one module by name, package or folder; clear-registry empties the file', () => {
    const root = project();
    const byName = pype(['register-module', 'hello_solo'], root);
    expect(byName.status, output(byName)).toBe(0);
    expect(byName.stdout).toContain('✓ registered hello_solo (@pypeline/mod-hello-solo@0.3.0, solo) in ModRegistry.json');
    const ambiguous = pype(['register-module', 'ping_solo'], root);
    expect(ambiguous.status).toBe(1);
    expect(ambiguous.stderr).toMatch(/✗ module "ping_solo" is provided by several packages: .*\n {2}fix: register one by its package name, e\.g\. `pype register-module /);
    expect(pype(['register-module', '@acme/pypeline-mod-ping-solo'], root).status).toBe(0);
    expect(pype(['register-module', './node_modules/pypeline-mod-ping-solo'], root).stderr).toContain('! module "ping_solo" is provided by 2 packages');
    expect(Object.keys(JSON.parse(readFileSync(join(root, 'ModRegistry.json'), 'utf8')))).toEqual([
      'hello_solo', '@acme/pypeline-mod-ping-solo:ping_solo', 'pypeline-mod-ping-solo:ping_solo',
    ]);

    const missing = pype(['register-module', 'csv_source'], root);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('✗ no installed module or package is named "csv_source"');
    expect(missing.stderr).toContain('fix: installed modules: hello_solo, ping_solo;');
    const broken = pype(['register-module', 'pypeline-mod-broken'], root);
    expect(broken.stderr).toContain('✗ pypeline-mod-broken is installed but cannot be registered: pypeline-mod-broken: entry ./dist/index.js does not exist');

    const cleared = pype(['clear-registry'], root);
    expect(cleared.stdout).toContain('✓ cleared ModRegistry.json (3 modules removed)');
    expect(readFileSync(join(root, 'ModRegistry.json'), 'utf8')).toBe('{}\n');
    rmSync(join(root, 'ModRegistry.json'));
    expect(pype(['clear-registry'], root).stdout).toContain('nothing to clear');
    expect(existsSync(join(root, 'ModRegistry.json'))).toBe(false);
  });

  it('list-modules prints a table, filters by category, and gives JSON with problems and clashes', () => {
    const root = project();
    const table = pype(['list-modules'], root);
    expect(table.stdout.split('\n')[0]).toMatch(/^name\s+type\s+category\s+package\s+status\s+description$/);
    expect(table.stdout).toContain('3 modules');
    const network = pype(['list-modules', '--category', 'network'], root);
    expect(network.stdout).not.toContain('hello_solo');
    expect(network.stdout).toContain('2 modules');
    const none = pype(['list-modules', '--category', 'Files'], root);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('✗ no installed module is in category "Files"\n  fix: categories: Network, Utilities');
    const json = JSON.parse(pype(['list-modules', '--json'], root).stdout);
    expect(json.modules.map((m: { name: string }) => m.name)).toEqual(['hello_solo', 'ping_solo', 'ping_solo']);
    expect(json.problems).toHaveLength(2);
    expect(json.conflicts).toEqual([{ name: 'ping_solo', packages: ['@acme/pypeline-mod-ping-solo', 'pypeline-mod-ping-solo'] }]);
  });

  it('list-modules imports each package and shows one that throws on import as broken; pype run names the package and the cause', () => {
    const root = project();
    const dir = installFakeModule(root, { package: 'pypeline-mod-throws', version: '1.4.0', name: 'throws_solo', category: 'Utilities' });
    writeFileSync(join(dir, 'dist/index.js'), "throw new Error('QQQ license key missing');\n");
    const table = pype(['list-modules'], root);
    expect(table.status, output(table)).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^name\s+type\s+category\s+package\s+status\s+description$/);
    expect(table.stdout).toMatch(/throws_solo\s+solo\s+Utilities\s+pypeline-mod-throws@1\.4\.0\s+broken\s/);
    expect(table.stdout).toMatch(/hello_solo\s+solo\s+Utilities\s+@pypeline\/mod-hello-solo@0\.3\.0\s+ok\s/);
    expect(table.stdout).toContain('4 modules, 1 broken');
    expect(table.stderr).toMatch(/! pypeline-mod-throws@1\.4\.0 throws when imported: Error: QQQ license key missing \(at file:\/\/.*pypeline-mod-throws\/dist\/index\.js:1:7\)\n {2}fix: the package's own code fails as it loads/);
    const json = JSON.parse(pype(['list-modules', '--json'], root).stdout);
    expect(json.modules.find((m: { name: string }) => m.name === 'throws_solo').import_error).toMatch(/throws when imported: Error: QQQ license key missing/);
    expect(json.modules.find((m: { name: string }) => m.name === 'hello_solo').import_error).toBeNull();
    // A package that ends the process while loading, checked in a child: the others still are.
    const exits = installFakeModule(root, { package: 'pypeline-mod-exits', version: '2.0.0', name: 'exits_solo', category: 'Utilities' });
    writeFileSync(join(exits, 'dist/index.js'), "console.error('bye from exits'); process.exit(3);\n");
    const again = pype(['list-modules'], root);
    expect(again.status, output(again)).toBe(0);
    expect(again.stdout).toContain('5 modules, 2 broken');
    expect(again.stderr).toContain('! pypeline-mod-exits@2.0.0 ended the process (exit code 3) while being imported: bye from exits');
    const registered = pype(['auto-register'], root);
    expect(registered.status, output(registered)).toBe(0);
    expect(registered.stdout).toMatch(/exits_solo\s+solo\s+Utilities\s+pypeline-mod-exits@2\.0\.0\s+broken\s/);
    const file = JSON.parse(readFileSync(join(root, 'ModRegistry.json'), 'utf8'));
    expect(file.exits_solo.import_error).toContain('ended the process (exit code 3)');
    expect(file.throws_solo.import_error).toContain('QQQ license key missing');
    expect(file.hello_solo.import_error).toBeUndefined();
    rmSync(exits, { recursive: true });
    const unchecked = pype(['list-modules', '--no-check'], root);
    expect(unchecked.stdout.split('\n')[0]).toMatch(/^name\s+type\s+category\s+package\s+description$/);
    expect(unchecked.stderr).not.toContain('QQQ');

    writeFileSync(join(root, 'f.yaml'), 'flow:\n  name: f\nmodules:\n  - id: t\n    name: throws_solo\n');
    const run = pype(['run', 'f.yaml'], root);
    expect(run.status, output(run)).not.toBe(0);
    expect(run.stderr).toContain('t (throws_solo): pypeline-mod-throws@1.4.0 throws when imported: Error: QQQ license key missing (at file://');
    expect(run.stderr).toContain("fix: the package's own code fails as it loads");
    expect(run.stderr).not.toContain('install the pinned packages');
  });

  it('pype build needs no registry file and pins package and version', () => {
    const root = project();
    writeFileSync(join(root, 'f.yaml'), 'flow:\n  name: f\nmodules:\n  - id: hi\n    name: hello_solo\n    configs:\n      required: { who: me }\n');
    const r = pype(['build', 'f.yaml'], root);
    expect(r.status, output(r)).toBe(0);
    expect(existsSync(join(root, 'ModRegistry.json'))).toBe(false);
    const dag = JSON.parse(readFileSync(join(root, 'jobs/f/f_dag.json'), 'utf8'));
    expect(dag.nodes.hi).toMatchObject({ package: '@pypeline/mod-hello-solo', version: '0.3.0', module_path: '@pypeline/mod-hello-solo' });
  });
});
