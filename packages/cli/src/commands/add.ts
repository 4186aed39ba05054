import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkModuleImports, discoverProject, PypeError, REGISTRY_FILE, toRegistryFile, writeRegistryFile, type RegistryEntry } from '@pypeline/core';
import { discoveryWarnings } from '../module-table.js';
import { findProject, packageSpec, runPackageManager } from '../package-manager.js';

export function registerAdd(program: Command): void {
  program
    .command('add')
    .description(`install module packages with the project's package manager, register them in ${REGISTRY_FILE} and show their config`)
    .argument('<modules...>', 'module names (csv_source, csv_source@^1) or package specs (@acme/pypeline-mod-x@2)')
    .action(async (inputs: string[]) => {
      const project = findProject(process.cwd());
      const specs = inputs.map((input) => packageSpec(input));
      runPackageManager(project, 'add', specs.map((s) => s.spec));
      const entries = await register(project.dir);
      for (const { name } of specs) {
        const found = entries.filter((e) => e.package === name);
        if (!found.length) throw new PypeError(`${name} was installed but is not a PYpeline module (no pypeline.manifest.json, or not named @pypeline/mod-*, pypeline-mod-* or @scope/pypeline-mod-*)`, { hint: `remove it again with \`pype remove ${name}\`` });
        for (const entry of found) process.stdout.write(`${moduleSummary(entry)}\n`);
      }
    });
}

export function registerRemove(program: Command): void {
  program
    .command('remove')
    .description(`uninstall module packages with the project's package manager and update ${REGISTRY_FILE}`)
    .argument('<modules...>', 'module names (csv_source) or package names')
    .action(async (inputs: string[]) => {
      const project = findProject(process.cwd());
      const names = inputs.map((input) => packageSpec(input).name);
      runPackageManager(project, 'remove', names);
      await register(project.dir);
      for (const name of names) process.stdout.write(`✓ removed ${name}\n`);
    });
}

/** Rewrites the project's registry file from what is installed now, each package import-checked in a child; returns the modules. */
async function register(dir: string): Promise<RegistryEntry[]> {
  const discovery = discoverProject(dir);
  const broken = await checkModuleImports(discovery.entries);
  writeRegistryFile(resolve(dir, REGISTRY_FILE), toRegistryFile(discovery.entries, resolve(dir, REGISTRY_FILE), broken).registry);
  for (const err of broken.values()) process.stderr.write(`! ${err.message}\n  fix: ${err.hint}\n`);
  for (const w of discoveryWarnings(discovery)) process.stderr.write(`${w}\n`);
  return discovery.entries;
}

/** `✓ added csv_source …` and the module's config keys, required first, with defaults. */
export function moduleSummary(entry: RegistryEntry): string {
  const option = (key: string, o: { default?: unknown; description?: string }) => `    ${key}${o.default === undefined ? '' : ` = ${JSON.stringify(o.default)}`}${o.description ? `  — ${o.description}` : ''}`;
  const { required, optional } = entry.config_schema;
  return [
    `✓ added ${entry.name} (${entry.type}, ${entry.category}) from ${entry.package}@${entry.version}: ${entry.description}`,
    `  required:${Object.keys(required).length ? '' : ' (none)'}`,
    ...Object.entries(required).map(([key, o]) => option(key, o)),
    `  optional:${Object.keys(optional).length ? '' : ' (none)'}`,
    ...Object.entries(optional).map(([key, o]) => option(key, o)),
  ].join('\n');
}
