import { resolve } from 'node:path';
import type { Command } from 'commander';
import { discoverProject, REGISTRY_FILE, toRegistryFile, writeRegistryFile } from '@pypeline/core';
import { discoveryWarnings, moduleTable } from '../module-table.js';

export function registerAutoRegister(program: Command): void {
  program
    .command('auto-register')
    .description(`find every installed module package (without importing it) and write ${REGISTRY_FILE}`)
    .option('-r, --registry <file>', 'registry file to write', REGISTRY_FILE)
    .option('--json', 'print the written registry as JSON')
    .action((opts: { registry: string; json?: boolean }) => {
      const file = resolve(opts.registry);
      const discovery = discoverProject(process.cwd());
      const { registry } = toRegistryFile(discovery.entries, file);
      writeRegistryFile(file, registry);
      if (opts.json) process.stdout.write(`${JSON.stringify(registry, null, 2)}\n`);
      else {
        const n = Object.keys(registry).length;
        process.stdout.write(`✓ registered ${n} module${n === 1 ? '' : 's'} in ${opts.registry}\n`);
        if (n) process.stdout.write(`${moduleTable(discovery.entries)}\n`);
        else process.stdout.write('(no modules found: npm install @pypeline/mod-* or pypeline-mod-* packages, or create one with `pype new-module <name>`)\n');
      }
      for (const w of discoveryWarnings(discovery)) process.stderr.write(`${w}\n`);
    });
}
