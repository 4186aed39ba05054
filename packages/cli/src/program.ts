import { Command } from 'commander';
import { PYPELINE_VERSION } from '@pypeline/core';
import { registerAutoRegister } from './commands/auto-register.js';
import { registerBuild } from './commands/build.js';
import { registerClean } from './commands/clean.js';
import { registerDlq } from './commands/dlq.js';
import { registerExport } from './commands/export.js';
import { registerReplay } from './commands/replay.js';
import { registerClearRegistry } from './commands/clear-registry.js';
import { registerListModules } from './commands/list-modules.js';
import { registerNewModule } from './commands/new-module.js';
import { registerRegisterModule } from './commands/register-module.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerUpgrade } from './commands/upgrade.js';
import { registerValidate } from './commands/validate.js';
import { registerWorker } from './commands/worker.js';

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
  registerWorker(program);
  registerServe(program);
  registerDlq(program);
  registerClean(program);
  registerReplay(program);
  registerExport(program);
  registerListModules(program);
  registerAutoRegister(program);
  registerRegisterModule(program);
  registerClearRegistry(program);
  registerNewModule(program);
  registerUpgrade(program);
  return program;
}
