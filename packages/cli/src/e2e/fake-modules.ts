import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeModule {
  package: string;
  version: string;
  name: string;
  category?: string;
  /** JSON Schema properties of the config, and which are required. */
  properties?: Record<string, { type: string; default?: unknown; secret?: boolean }>;
  required?: string[];
  /** Extra properties of the default export as JS source, e.g. `migrations: {...}`. */
  extra?: string;
  /** Manifest fields to override, e.g. `{ sdk_api: 9 }`. */
  manifest?: Record<string, unknown>;
  /** The folder under node_modules, when it is not the package name (an npm alias: `npm i alias@npm:pkg@1`). */
  installAs?: string;
  /** The body of `async run(_inputs, ctx)` as JS source; default: log the config's strings and set the global `said` to them. */
  run?: string;
}

/** Installs a built solo module package into `<root>/node_modules`: manifest plus plain JS. */
export function installFakeModule(root: string, m: FakeModule): string {
  const dir = join(root, 'node_modules', ...(m.installAs ?? m.package).split('/'));
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: m.package, version: m.version, type: 'module', keywords: ['pypeline-module'], pypeline: { manifest: './pypeline.manifest.json' },
  }));
  const properties = m.properties ?? {};
  const required = m.required ?? [];
  const section = (want: boolean) => Object.fromEntries(Object.entries(properties).filter(([k]) => required.includes(k) === want));
  writeFileSync(join(dir, 'pypeline.manifest.json'), JSON.stringify({
    manifest_version: 1, sdk_api: 1, name: m.name, entry: './dist/index.js', type: 'solo', description: `${m.name} for tests`,
    category: m.category ?? 'Testing', input_ports: [], output_ports: [], globals: ['said'], packages: [],
    config_schema: { required: section(true), optional: section(false) },
    json_schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties, required, additionalProperties: false },
    ...m.manifest,
  }));
  writeFileSync(join(dir, 'dist/index.js'), `export default {
  name: ${JSON.stringify(m.name)}, type: 'solo', description: '', category: '', globals: ['said'],${m.extra ? `\n  ${m.extra},` : ''}
  async run(_inputs, ctx) { ${m.run ?? "const text = Object.values(ctx.config).filter((v) => typeof v === 'string').join(' '); ctx.logger.info(text); ctx.setGlobal('said', text);"} },
};\n`);
  return dir;
}
