import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertConformance, checkConformance } from './check-conformance.js';

const MANIFEST = {
  manifest_version: 1, sdk_api: 1, name: 'hello_solo', entry: './dist/index.js', type: 'solo',
  description: 'Says hello', category: 'Utilities', input_ports: [], output_ports: [], globals: ['said'], packages: [],
  config_schema: { required: {}, optional: { greeting: { type: 'string', default: 'hi', description: 'What to say' } } },
  json_schema: { type: 'object', properties: { greeting: { type: 'string', default: 'hi' } }, additionalProperties: false },
};
const PACKAGE = {
  name: 'pypeline-mod-hello-solo', version: '2.0.0', type: 'module', keywords: ['pypeline-module'],
  files: ['dist', 'pypeline.manifest.json'], pypeline: { manifest: './pypeline.manifest.json' }, peerDependencies: { '@pypeline/sdk': '^0.1.0' },
};
const CODE = `export default { name: 'hello_solo', type: 'solo', description: 'Says hello', category: 'Utilities', globals: ['said'],
  migrations: { 2: (c) => c }, async run(_i, ctx) { ctx.setGlobal('said', ctx.config.greeting); } };`;

function modulePackage(patch: { pkg?: object; manifest?: object; code?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...PACKAGE, ...patch.pkg }));
  writeFileSync(join(dir, 'pypeline.manifest.json'), JSON.stringify({ ...MANIFEST, ...patch.manifest }));
  writeFileSync(join(dir, 'dist/index.js'), patch.code ?? CODE);
  return dir;
}

describe('checkConformance', () => {
  it('accepts a built, discoverable, publishable module package', async () => {
    expect(await checkConformance(modulePackage())).toEqual({ ok: true, errors: [] });
    await expect(assertConformance(modulePackage())).resolves.toBeUndefined();
  });

  it('reports every package.json problem with its fix', async () => {
    const dir = modulePackage({ pkg: { name: 'hello', keywords: [], files: ['dist'], peerDependencies: undefined, dependencies: { '@pypeline/sdk': '1' } } });
    const { ok, errors } = await checkConformance(dir);
    expect(ok).toBe(false);
    expect(errors).toEqual([
      expect.stringContaining('package name "hello" is not discoverable: name it pypeline-mod-<name>'),
      'package.json keywords lack "pypeline-module": add it',
      expect.stringContaining('"files" omits pypeline.manifest.json'),
      expect.stringContaining('@pypeline/sdk is in dependencies: move it to peerDependencies'),
    ]);
  });

  it('finds a stale manifest, a foreign SDK API and bad defaults', async () => {
    const dir = modulePackage({
      manifest: {
        sdk_api: 9, description: 'Old text',
        config_schema: { required: {}, optional: { greeting: { type: 'integer', default: 'hi' } } },
      },
    });
    const { errors } = await checkConformance(dir);
    expect(errors).toEqual([
      './pypeline.manifest.json declares SDK API 9 but @pypeline/sdk is API 1: rebuild with the matching @pypeline/codegen',
      expect.stringContaining('the manifest is stale: description is "Old text" there but "Says hello" in the code'),
      expect.stringContaining('config "greeting" has @default "hi", which is not of type integer'),
    ]);
  });

  it('finds a stale cacheable flag (a solo is never cached)', async () => {
    const { errors } = await checkConformance(modulePackage({ manifest: { cacheable: true } }));
    expect(errors).toEqual([expect.stringContaining('the manifest is stale: cacheable is true there but false in the code')]);
    expect((await checkConformance(modulePackage({ manifest: { cacheable: false } }))).ok).toBe(true);
  });

  it('compares the code\'s DEFAULTS with the manifest\'s defaults when given them', async () => {
    const dir = modulePackage();
    expect(await checkConformance(pathToFileURL(`${dir}/`), { defaults: { greeting: 'hi' } })).toEqual({ ok: true, errors: [] });
    expect((await checkConformance(dir, { defaults: { greeting: 'hello', loud: false } })).errors).toEqual([
      'config "greeting" defaults to "hello" in the code (DEFAULTS) but "hi" in the manifest: make its @default in src/config.ts match, then rebuild',
      expect.stringContaining('DEFAULTS has "loud", which is not an optional config key in the manifest'),
    ]);
  });

  it('refuses migrations to a major the package has not reached', async () => {
    const dir = modulePackage({ pkg: { version: '1.4.0' } });
    expect((await checkConformance(dir)).errors).toEqual([expect.stringContaining('migrations[2] targets a major above this package\'s version 1.4.0')]);
  });

  it('assertConformance throws one error listing every problem', async () => {
    const dir = modulePackage({ code: 'export default {}' });
    await expect(assertConformance(dir)).rejects.toThrow(/does not conform:\n {2}- .*has no default export defineModule/);
  });
});
