import type { Command } from 'commander';
import { discoverProject, nameConflicts, PypeError } from '@pypeline/core';
import { discoveryWarnings, moduleTable } from '../module-table.js';

export function registerListModules(program: Command): void {
  program
    .command('list-modules')
    .description('list the installed module packages (node_modules and workspace), without importing them')
    .option('--json', 'print the registry entries, broken packages and name clashes as JSON')
    .option('--category <name>', 'only modules of this category (case-insensitive)')
    .action((opts: { json?: boolean; category?: string }) => {
      const discovery = discoverProject(process.cwd());
      const shown = discovery.entries
        .filter((e) => !opts.category || e.category.toLowerCase() === opts.category.toLowerCase())
        .sort((a, b) => a.name.localeCompare(b.name));
      if (opts.json) {
        const conflicts = nameConflicts(discovery.entries);
        process.stdout.write(`${JSON.stringify({ modules: shown, problems: discovery.problems, conflicts }, null, 2)}\n`);
        return;
      }
      if (opts.category && !shown.length && discovery.entries.length) {
        const categories = [...new Set(discovery.entries.map((e) => e.category))].sort();
        throw new PypeError(`no installed module is in category "${opts.category}"`, { hint: `categories: ${categories.join(', ')}` });
      }
      process.stdout.write(`${moduleTable(shown)}\n`);
      if (!discovery.entries.length) {
        process.stdout.write('(no modules found: npm install @pypeline/mod-* or pypeline-mod-* packages, or create one with `pype new-module <name>`)\n');
      } else {
        process.stdout.write(`${shown.length} module${shown.length === 1 ? '' : 's'}\n`);
      }
      for (const w of discoveryWarnings(discovery)) process.stderr.write(`${w}\n`);
    });
}
