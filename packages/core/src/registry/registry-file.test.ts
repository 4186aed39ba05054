import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PypeError } from '../errors.js';
import { discoverModules } from './discover.js';
import { installFakeModule } from './fake-module-package.js';
import { addToRegistry, conflictMessage, readRegistryFile, toRegistryFile, writeRegistryFile } from './registry-file.js';

function installed(...mods: Parameters<typeof installFakeModule>[1][]) {
  const root = mkdtempSync(join(tmpdir(), 'pype-registry-'));
  for (const m of mods) installFakeModule(root, m);
  return { root, entries: discoverModules([root]).entries, file: join(root, 'ModRegistry.json') };
}

describe('ModRegistry.json', () => {
  it('holds the spec\'s fields per module name, plus where the module comes from', () => {
    const { entries, file } = installed({
      package: '@pypeline/mod-csv-source', version: '1.2.0', name: 'csv_source', type: 'source',
      schema: { required: ['file_path'], properties: { file_path: { type: 'string' }, encoding: { type: 'string', default: 'utf-8' } } },
    });
    const { registry, conflicts } = toRegistryFile(entries, file);
    expect(conflicts).toEqual([]);
    expect(registry).toEqual({
      csv_source: {
        module_path: '@pypeline/mod-csv-source', type: 'source', version: '1.2.0', description: 'fake csv_source', category: 'Fakes',
        input_ports: [], output_ports: ['data'], globals: [], packages: [],
        config_schema: { required: { file_path: { type: 'string' } }, optional: { encoding: { type: 'string', default: 'utf-8' } } },
        package: '@pypeline/mod-csv-source', entry: './dist/index.js', sdk_api: 1, package_dir: './node_modules/@pypeline/mod-csv-source',
      },
    });
    writeRegistryFile(file, registry);
    expect(readRegistryFile(file)).toEqual(registry);
  });

  it('keys a name two packages claim by package and says how a flow chooses', () => {
    const { entries, file } = installed(
      { package: '@pypeline/mod-csv-source', name: 'csv_source', type: 'source' },
      { package: '@acme/pypeline-mod-csv-source', name: 'csv_source', type: 'source' },
      { package: 'pypeline-mod-other', name: 'other' },
    );
    const { registry, conflicts } = toRegistryFile(entries, file);
    expect(Object.keys(registry)).toEqual(['@acme/pypeline-mod-csv-source:csv_source', '@pypeline/mod-csv-source:csv_source', 'other']);
    expect(conflicts).toEqual([{ name: 'csv_source', packages: ['@acme/pypeline-mod-csv-source', '@pypeline/mod-csv-source'] }]);
    expect(conflictMessage(conflicts[0])).toContain('choose one with `package: @acme/pypeline-mod-csv-source` next to `name: csv_source`');
  });

  it('register-module replaces its own package\'s entry and qualifies a clash', () => {
    const a = installed({ package: '@pypeline/mod-x-solo', version: '1.0.0', name: 'x_solo' });
    const b = installed({ package: 'pypeline-mod-x-solo', name: 'x_solo' });
    const first = addToRegistry({}, a.entries[0], a.file);
    expect(Object.keys(first.registry)).toEqual(['x_solo']);
    const again = addToRegistry(first.registry, { ...a.entries[0], version: '1.1.0' }, a.file);
    expect(again.registry.x_solo.version).toBe('1.1.0');
    const clash = addToRegistry(again.registry, b.entries[0], a.file);
    expect(Object.keys(clash.registry)).toEqual(['@pypeline/mod-x-solo:x_solo', 'pypeline-mod-x-solo:x_solo']);
    expect(clash.conflict).toEqual({ name: 'x_solo', packages: ['@pypeline/mod-x-solo', 'pypeline-mod-x-solo'] });
  });

  it('reads an absent file as empty and refuses a corrupt one with the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-registry-'));
    expect(readRegistryFile(join(dir, 'ModRegistry.json'))).toEqual({});
    writeFileSync(join(dir, 'ModRegistry.json'), '[1]');
    expect(() => readRegistryFile(join(dir, 'ModRegistry.json'))).toThrow(PypeError);
    expect(() => readRegistryFile(join(dir, 'ModRegistry.json'))).toThrow(/is not a valid module registry: not a JSON object/);
  });
});
