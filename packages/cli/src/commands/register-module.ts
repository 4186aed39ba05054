import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  addToRegistry, conflictMessage, discoverProject, PypeError, readModulePackage, readRegistryFile, REGISTRY_FILE, writeRegistryFile,
  type RegistryEntry,
} from '@pypeline/core';

export function registerRegisterModule(program: Command): void {
  program
    .command('register-module')
    .description(`add one installed module to ${REGISTRY_FILE}`)
    .argument('<module>', 'module name (csv_source), package name (@pypeline/mod-csv-source) or package folder (./my-module)')
    .option('-r, --registry <file>', 'registry file to update', REGISTRY_FILE)
    .action((target: string, opts: { registry: string }) => {
      const file = resolve(opts.registry);
      const entry = findModule(target);
      const { registry, conflict } = addToRegistry(readRegistryFile(file), entry, file);
      writeRegistryFile(file, registry);
      process.stdout.write(`✓ registered ${entry.name} (${entry.package}@${entry.version}, ${entry.type}) in ${opts.registry}\n`);
      if (conflict) process.stderr.write(`! ${conflictMessage(conflict)}\n`);
    });
}

function findModule(target: string): RegistryEntry {
  if (/^[./]/.test(target) || (existsSync(target) && statSync(target).isDirectory())) return fromFolder(resolve(target));
  const discovery = discoverProject(process.cwd());
  const matches = discovery.entries.filter((e) => e.name === target || e.package === target);
  const packages = [...new Set(matches.map((e) => e.package))];
  if (packages.length > 1) {
    throw new PypeError(`module "${target}" is provided by several packages: ${packages.join(', ')}`, {
      hint: `register one by its package name, e.g. \`pype register-module ${packages[0]}\``,
    });
  }
  if (matches.length) return matches.sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }))[0];
  const broken = discovery.problems.find((p) => p.message.startsWith(`${target}:`) || p.message.startsWith(`${target}@`) || p.message.includes(` ${target} `));
  if (broken) throw new PypeError(`${target} is installed but cannot be registered: ${broken.message}`);
  const names = [...new Set(discovery.entries.map((e) => e.name))].sort();
  throw new PypeError(`no installed module or package is named "${target}"`, {
    hint: names.length
      ? `installed modules: ${names.join(', ')}; install another with \`npm install <package>\``
      : 'install a module package first (npm install @pypeline/mod-<name> or pypeline-mod-<name>), or create one with `pype new-module`',
  });
}

function fromFolder(dir: string): RegistryEntry {
  if (!existsSync(dir)) throw new PypeError(`package folder not found: ${dir}`, { hint: 'pass the folder holding the module\'s package.json' });
  const read = readModulePackage(dir);
  if (read === null) {
    throw new PypeError(`${dir} is not a PYpeline module package (its package.json has no "pypeline.manifest")`, {
      hint: 'build it with pypeline-codegen, or create a module with `pype new-module`',
    });
  }
  if ('message' in read) throw new PypeError(`${dir} cannot be registered: ${read.message}`);
  return read;
}
