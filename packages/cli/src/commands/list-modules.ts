import type { Command } from 'commander';
import { checkModuleImports, discoverProject, nameConflicts, PypeError } from '@pypeline/core';
import { discoveryWarnings, moduleTable } from '../module-table.js';

export function registerListModules(program: Command): void {
  program
    .command('list-modules')
    .description('list the installed module packages (node_modules and workspace) and check that each one imports')
    .option('--json', 'print the registry entries, broken packages and name clashes as JSON')
    .option('--category <name>', 'only modules of this category (case-insensitive)')
    .option('--no-check', 'read the manifests only, without importing the packages (their code does not run)')
    .action(async (opts: { json?: boolean; category?: string; check: boolean }) => {
      const discovery = discoverProject(process.cwd());
      const shown = discovery.entries
        .filter((e) => !opts.category || e.category.toLowerCase() === opts.category.toLowerCase())
        .sort((a, b) => a.name.localeCompare(b.name));
      const broken = opts.check ? await checkModuleImports(shown) : undefined;
      const statusOf = (e: { package: string; version: string }) => broken?.get(`${e.package}@${e.version}`);
      if (opts.json) {
        const conflicts = nameConflicts(discovery.entries);
        const modules = shown.map((e) => (broken ? { ...e, import_error: statusOf(e)?.message ?? null } : e));
        process.stdout.write(`${JSON.stringify({ modules, problems: discovery.problems, conflicts }, null, 2)}\n`);
        return;
      }
      if (opts.category && !shown.length && discovery.entries.length) {
        const categories = [...new Set(discovery.entries.map((e) => e.category))].sort();
        throw new PypeError(`no installed module is in category "${opts.category}"`, { hint: `categories: ${categories.join(', ')}` });
      }
      process.stdout.write(`${moduleTable(shown, broken && ((e) => (statusOf(e) ? 'broken' : 'ok')))}\n`);
      if (!discovery.entries.length) {
        process.stdout.write('(no modules found: npm install @pypeline/mod-* or pypeline-mod-* packages, or create one with `pype new-module <name>`)\n');
      } else {
        const bad = shown.filter((e) => statusOf(e)).length;
        process.stdout.write(`${shown.length} module${shown.length === 1 ? '' : 's'}${bad ? `, ${bad} broken` : ''}\n`);
      }
      for (const err of broken?.values() ?? []) process.stderr.write(`! ${err.message}\n  fix: ${err.hint}\n`);
      for (const w of discoveryWarnings(discovery)) process.stderr.write(`${w}\n`);
    });
}
