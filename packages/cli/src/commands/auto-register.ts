import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkModuleImports, discoverProject, REGISTRY_FILE, toRegistryFile, writeRegistryFile } from '@pypeline/core';
import { discoveryWarnings, moduleTable } from '../module-table.js';

export function registerAutoRegister(program: Command): void {
  program
    .command('auto-register')
    .description(`find every installed module package, import each once in a child process to see that it loads, and write ${REGISTRY_FILE}`)
    .option('-r, --registry <file>', 'registry file to write', REGISTRY_FILE)
    .option('--json', 'print the written registry as JSON')
    .option('--no-check', 'read the manifests only, without importing the packages (their code does not run)')
    .action(async (opts: { registry: string; json?: boolean; check: boolean }) => {
      const file = resolve(opts.registry);
      const discovery = discoverProject(process.cwd());
      const broken = opts.check ? await checkModuleImports(discovery.entries) : undefined;
      const { registry } = toRegistryFile(discovery.entries, file, broken);
      writeRegistryFile(file, registry);
      if (opts.json) process.stdout.write(`${JSON.stringify(registry, null, 2)}\n`);
      else {
        const n = Object.keys(registry).length;
        process.stdout.write(`✓ registered ${n} module${n === 1 ? '' : 's'} in ${opts.registry}\n`);
        if (n) process.stdout.write(`${moduleTable(discovery.entries, broken && ((e) => (broken.has(`${e.package}@${e.version}`) ? 'broken' : 'ok')))}\n`);
        else process.stdout.write('(no modules found: npm install @pypeline/mod-* or pypeline-mod-* packages, or create one with `pype new-module <name>`)\n');
      }
      for (const err of broken?.values() ?? []) process.stderr.write(`! ${err.message} (registered as broken: import_error in ${opts.registry})\n  fix: ${err.hint}\n`);
      for (const w of discoveryWarnings(discovery)) process.stderr.write(`${w}\n`);
    });
}
