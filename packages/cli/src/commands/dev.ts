import type { Command } from 'commander';
import { PypeError } from '@pypeline/core';
import { devFlow } from '../dev/dev-session.js';

interface DevCliOptions {
  context: string;
  set: string[];
  limit: string;
  verbose?: boolean;
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('watch a flow: check it on every save of the flow or of a module package it uses from the workspace (rebuilt first), and run it on a sample when it is valid')
    .argument('<flow>', 'flow file (YAML, or TypeScript exporting a flow())')
    .option('-l, --limit <rows>', 'rows each source passes on in the sample run', '1000')
    .option('-c, --context <env>', 'context environment to use', 'default')
    .option('-s, --set <key=value>', 'override a context variable (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('-v, --verbose', 'also print debug log lines of modules')
    .action(async (file: string, opts: DevCliOptions) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new PypeError(`--limit ${opts.limit} is not a positive whole number`, { hint: 'give the rows per source, e.g. --limit 1000' });
      await devFlow(file, { context: opts.context, set: opts.set, limit, verbose: opts.verbose ?? false, debug: process.argv.includes('--debug') });
      process.exitCode = 0;
    });
}
