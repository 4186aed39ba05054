import { readFileSync } from 'node:fs';
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every command, in help order, each in its own file under commands/. Files are imported only
 * for the command being run (all of them for help or an unknown command), so `pype run` does
 * not pay for loading the HTTP server, the queue client or the scaffolding templates.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  init: async () => (await import('./commands/init.js')).registerInit,
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  build: async () => (await import('./commands/build.js')).registerBuild,
  schema: async () => (await import('./commands/schema.js')).registerSchema,
  discover: async () => (await import('./commands/discover.js')).registerDiscover,
  check: async () => (await import('./commands/check.js')).registerCheck,
  run: async () => (await import('./commands/run.js')).registerRun,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  ui: async () => (await import('./commands/ui.js')).registerUi,
  dlq: async () => (await import('./commands/dlq.js')).registerDlq,
  clean: async () => (await import('./commands/clean.js')).registerClean,
  inspect: async () => (await import('./commands/inspect.js')).registerInspect,
  replay: async () => (await import('./commands/replay.js')).registerReplay,
  cache: async () => (await import('./commands/cache.js')).registerCache,
  export: async () => (await import('./commands/export.js')).registerExport,
  'list-modules': async () => (await import('./commands/list-modules.js')).registerListModules,
  'auto-register': async () => (await import('./commands/auto-register.js')).registerAutoRegister,
  'register-module': async () => (await import('./commands/register-module.js')).registerRegisterModule,
  'clear-registry': async () => (await import('./commands/clear-registry.js')).registerClearRegistry,
  search: async () => (await import('./commands/search.js')).registerSearch,
  add: async () => (await import('./commands/add.js')).registerAdd,
  remove: async () => (await import('./commands/add.js')).registerRemove,
  'new-module': async () => (await import('./commands/new-module.js')).registerNewModule,
  upgrade: async () => (await import('./commands/upgrade.js')).registerUpgrade,
};

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** The `pype` command line, with the commands `argv` needs registered. */
export async function createProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('pype')
    .description('PYpeline: build and run Talend-style ETL flows')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .showHelpAfterError('(run `pype --help` for usage)');
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const versionOnly = !name && argv.some((a) => a === '-V' || a === '--version');
  const wanted = versionOnly ? [] : name && name in COMMANDS ? [name] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((n) => COMMANDS[n]()))) register(program);
  return program;
}
