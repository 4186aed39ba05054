import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverModules } from './discover.js';

function pkg(root: string, name: string, files: Record<string, string>) {
  const dir = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(join(dir, 'dist'), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

const manifest = (name: string, sdk = 1) => JSON.stringify({ manifest_version: 1, sdk_api: sdk, name, entry: './dist/index.js', type: 'solo', description: '', category: 'x', input_ports: [], output_ports: [], globals: [], packages: [], config_schema: { required: {}, optional: {} }, json_schema: { type: 'object' } });
const pkgJson = (name: string, extra: object = {}) => JSON.stringify({ name, version: '1.0.0', pypeline: { manifest: './pypeline.manifest.json' }, ...extra });

describe('discoverModules safety', () => {
  it('reads manifests without importing module code or running install scripts, and skips broken packages', () => {
    const root = mkdtempSync(join(tmpdir(), 'pype-disc-'));
    const marker = join(root, 'imported');
    pkg(root, '@pypeline/mod-good', {
      'package.json': pkgJson('@pypeline/mod-good', { scripts: { postinstall: `touch ${marker}` } }),
      'pypeline.manifest.json': manifest('good'),
      'dist/index.js': `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export default {};`,
    });
    pkg(root, 'pypeline-mod-future', { 'package.json': pkgJson('pypeline-mod-future'), 'pypeline.manifest.json': manifest('future', 99), 'dist/index.js': '' });
    pkg(root, '@acme/pypeline-mod-broken', { 'package.json': pkgJson('@acme/pypeline-mod-broken'), 'pypeline.manifest.json': '{ nope', 'dist/index.js': '' });
    pkg(root, 'left-pad', { 'package.json': JSON.stringify({ name: 'left-pad', version: '1.0.0' }) });

    const d = discoverModules([root]);
    expect(d.entries.map((e) => `${e.package}@${e.version}:${e.name}`)).toEqual(['@pypeline/mod-good@1.0.0:good']);
    expect(d.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/@acme\/pypeline-mod-broken: cannot read its manifest/),
      expect.stringMatching(/pypeline-mod-future@1.0.0 declares SDK API 99; this PYpeline supports 1/),
    ]);
    expect(existsSync(marker)).toBe(false);
  });
});
