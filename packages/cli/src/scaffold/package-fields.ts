import type { ScaffoldVersions } from './locate-templates.js';
import type { ModuleType } from './module-names.js';

/**
 * The scripts and dependencies of a new module package. Inside the monorepo they point at
 * the workspace and the root's toolchain; a standalone package depends on published versions
 * and brings its own toolchain.
 */
export function packageFields(type: ModuleType, monorepo: boolean, v: ScaffoldVersions) {
  const sdk = monorepo ? 'workspace:^' : `^${v['@pypeline/sdk']}`;
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
    peerDependencies: { '@pypeline/sdk': sdk },
    devDependencies: sortKeys({ '@pypeline/codegen': codegen, '@pypeline/sdk': sdk, ...(type === 'sink' ? arrow : {}), ...toolchain }),
  };
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
