import type { Command } from 'commander';
import { PypeError } from '@pypeline/core';
import { flowText, isCodeFlow } from '../flow-source.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('print the YAML of a TypeScript flow')
    .argument('<flow>', 'a .ts/.js file whose default export is a flow()')
    .option('--yaml', 'print YAML (the only format for now)', true)
    .action(async (file: string) => {
      if (!isCodeFlow(file)) throw new PypeError(`${file} is not a TypeScript or JavaScript flow`, { hint: 'pype export takes a .ts file; a YAML flow is already YAML' });
      process.stdout.write(await flowText(file));
    });
}
