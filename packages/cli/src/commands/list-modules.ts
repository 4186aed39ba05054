import type { Command } from 'commander';
import { discoverModules } from '@pypeline/core';

export function registerListModules(program: Command): void {
  program
    .command('list-modules')
    .description('list the installed module packages')
    .option('--json', 'print the registry entries as JSON')
    .option('--category <name>', 'only modules of this category')
    .action((opts: { json?: boolean; category?: string }) => {
      const { entries, problems } = discoverModules([process.cwd()]);
      const shown = entries
        .filter((e) => !opts.category || e.category.toLowerCase() === opts.category.toLowerCase())
        .sort((a, b) => a.name.localeCompare(b.name));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ modules: shown, problems }, null, 2)}\n`);
        return;
      }
      const rows = shown.map((e) => [e.name, e.type, e.category, `${e.package}@${e.version}`, e.description]);
      const header = ['name', 'type', 'category', 'package', 'description'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
      process.stdout.write(`${[line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')}\n`);
      if (!shown.length) process.stdout.write('(no modules found; install @pypeline/mod-* packages in this project)\n');
      for (const p of problems) process.stderr.write(`! skipped ${p.package_dir}: ${p.message}\n`);
    });
}
