import { mkdirSync, writeFileSync } from 'node:fs';
import type { JsonSchema } from '@pypeline/sdk';
import { join } from 'node:path';

/** A module package as tests install it: a manifest and a plain-JS entry, no build step. */
export interface FakeModule {
  package: string;
  version?: string;
  name: string;
  type?: 'source' | 'mod' | 'sink' | 'solo';
  /** JSON Schema of the config. */
  schema?: JsonSchema;
  /** Extra properties of the default export, as JS source, e.g. `migrations: { 2: (c) => c }`. */
  extra?: string;
  /** Body of `async run(inputs, ctx)`. */
  run?: string;
  /** Overrides of manifest fields (e.g. `{ sdk_api: 2 }`). */
  manifest?: Record<string, unknown>;
  /** package.json peerDependencies, e.g. `{ '@pypeline/sdk': '^2' }`. */
  peerDependencies?: Record<string, string>;
}

/** Writes `node_modules/<package>` under `root`; returns the package folder. */
export function installFakeModule(root: string, m: FakeModule): string {
  return writeFakeModule(join(root, 'node_modules', ...m.package.split('/')), m);
}

/** Writes the package into `dir` itself (a workspace package). */
export function writeFakeModule(dir: string, m: FakeModule): string {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: m.package, version: m.version ?? '1.0.0', type: 'module', keywords: ['pypeline-module'], pypeline: { manifest: './pypeline.manifest.json' },
    ...(m.peerDependencies ? { peerDependencies: m.peerDependencies } : {}),
  }));
  const schema = { type: 'object', additionalProperties: false, properties: {}, ...m.schema };
  const required = new Set(schema.required ?? []);
  const fields = (want: boolean) => Object.fromEntries(Object.entries(schema.properties).filter(([k]) => required.has(k) === want).map(([k, s]) => [k, { type: s.type ?? 'any', ...(s.default === undefined ? {} : { default: s.default }), ...(s.secret ? { secret: true } : {}) }]));
  const type = m.type ?? 'solo';
  writeFileSync(join(dir, 'pypeline.manifest.json'), JSON.stringify({
    manifest_version: 1, sdk_api: 1, name: m.name, entry: './dist/index.js', type, description: `fake ${m.name}`, category: 'Fakes',
    input_ports: type === 'mod' || type === 'sink' ? ['input'] : [], output_ports: type === 'mod' || type === 'source' ? ['data'] : [],
    globals: [], packages: [], config_schema: { required: fields(true), optional: fields(false) }, json_schema: schema, ...m.manifest,
  }));
  writeFileSync(join(dir, 'dist/index.js'), `export default { name: ${JSON.stringify(m.name)}, type: ${JSON.stringify(type)}, ${m.extra ? `${m.extra},` : ''}
  async run(inputs, ctx) { ${m.run ?? ''} } };\n`);
  return dir;
}
