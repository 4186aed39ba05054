import { Command } from 'commander';
import { PYPELINE_VERSION } from '@pypeline/core';
import { registerBuild } from './commands/build.js';
import { registerClean } from './commands/clean.js';
import { registerListModules } from './commands/list-modules.js';
import { registerRun } from './commands/run.js';
import { registerValidate } from './commands/validate.js';

/** The `pype` command line; each command lives in its own file under commands/. */
export function createProgram(): Command {
  const program = new Command('pype')
    .description('PYpeline: build and run Talend-style ETL flows')
    .version(PYPELINE_VERSION)
    .option('--debug', 'show stack traces for errors')
    .showHelpAfterError('(run `pype --help` for usage)');
  registerValidate(program);
  registerBuild(program);
  registerRun(program);
  registerClean(program);
  registerListModules(program);
  return program;
}
