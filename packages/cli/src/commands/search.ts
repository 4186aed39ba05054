import type { Command } from 'commander';
import { formatTable, PypeError } from '@pypeline/core';
import { configuredRegistries, searchModules } from '../registry-search.js';

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('search the npm registries this project uses for module packages (those with the pypeline-module keyword)')
    .argument('[words...]', 'words every result must contain in its name, description or keywords')
    .option('--registry <url>', 'search this registry only (default: every registry in the npm configuration)')
    .option('--json', 'print the results as JSON')
    .action(async (words: string[], opts: { registry?: string; json?: boolean }) => {
      const registries = opts.registry ? [opts.registry.replace(/\/?$/, '/')] : configuredRegistries(process.cwd());
      const { hits, failures } = await searchModules(words, registries);
      for (const failure of failures) process.stderr.write(`! could not search ${failure}\n`);
      if (failures.length === registries.length) throw new PypeError(`no registry could be searched (${registries.join(', ')})`, { hint: 'check the network and the registry settings in .npmrc, or pass --registry <url>' });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(hits, null, 2)}\n`);
        return;
      }
      if (!hits.length) {
        process.stdout.write(`no module packages found${words.length ? ` for "${words.join(' ')}"` : ''} on ${registries.join(', ')}\n`);
        return;
      }
      process.stdout.write(`${formatTable(['package', 'version', 'description'], hits.map((h) => [h.name, h.version, h.description]))}\n`);
      process.stdout.write(`\nadd one with: pype add <package>\n`);
    });
}
