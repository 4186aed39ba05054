import type { ScaffoldVersions } from './locate-templates.js';
import type { ModuleType } from './module-names.js';

/**
 * The scripts and dependencies of a new module package. Inside the monorepo they point at
 * the workspace and the root's toolchain; a standalone package depends on published versions
 * and brings its own toolchain.
 */
export function packageFields(type: ModuleType, monorepo: boolean, v: ScaffoldVersions) {
  const sdk = monorepo ? 'workspace:^' : `^${v['@pypeline/sdk']}`;
  const sdkPeer = `${monorepo ? 'workspace:' : ''}${sdkPeerRange(v['@pypeline/sdk'])}`;
  const codegen = monorepo ? 'workspace:^' : `^${v['@pypeline/codegen']}`;
  const arrow: Record<string, string> = { 'apache-arrow': v['apache-arrow'] };
  // Sources and mods build Arrow tables at run time; a sink only reads them, in its tests.
  const runtimeArrow = type === 'source' || type === 'mod';
  const scripts: Record<string, string> = {
    build: 'tsc -p tsconfig.build.json && pypeline-codegen',
    'codegen:check': 'pypeline-codegen --check',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    ...(monorepo ? { lint: 'eslint src', test: 'vitest run' } : { pretest: 'npm run build', test: 'vitest run', changeset: 'changeset', prepublishOnly: 'npm test' }),
  };
  const toolchain: Record<string, string> = monorepo ? {} : {
    '@changesets/cli': v['@changesets/cli'],
    '@types/node': v['@types/node'],
    typescript: v.typescript,
    vitest: v.vitest,
  };
  return {
    scripts,
    dependencies: runtimeArrow ? arrow : {},
    peerDependencies: { '@pypeline/sdk': sdkPeer },
    devDependencies: sortKeys({ '@pypeline/codegen': codegen, '@pypeline/sdk': sdk, ...(type === 'sink' ? arrow : {}), ...toolchain }),
  };
}

/**
 * The SDK versions a module accepts as its peer: every release of the SDK's major line (`^0`
 * while it is 0.x), so an SDK minor neither breaks an install nor forces a release of every
 * module (changesets bumps a peer dependant only when the new SDK leaves its range). What a
 * module needs at run time is checked through `sdk_api` in its manifest.
 */
export function sdkPeerRange(sdkVersion: string): string {
  return `^${sdkVersion.split('.')[0]}`;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
