import { readFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import { VERSION } from './version.js';

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
  dev: async () => (await import('./commands/dev.js')).registerDev,
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

/**
 * Each command's line in `pype --help` (name, usage term, description), written by
 * `scripts/command-index.js` at build time from the real registrations, so that the overview
 * does not import every command file (and through them the engine). The test in
 * program.test.ts holds it to the help the registrations print.
 */
export const COMMAND_INDEX_URL = new URL('./command-index.json', import.meta.url);
export interface CommandIndexEntry {
  name: string;
  term: string;
  description: string;
}

/**
 * The `pype` command line, with the commands `argv` needs registered. `index` is the overview's
 * source: the build's command index (default), a given one, or `false` to register every command.
 */
export async function createProgram(argv: readonly string[] = process.argv, index?: CommandIndexEntry[] | false): Promise<Command> {
  const program = new Command('pype')
    .description('PYpeline: build and run Talend-style ETL flows')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .showHelpAfterError('(run `pype --help` for usage)');
  const name = commandName(argv);
  if (name && name in COMMANDS) await registerCommands(program, [name]);
  else if (!argv.some((a) => a === '-V' || a === '--version')) {
    // The overview, or an unknown command and its did-you-mean: names and descriptions suffice.
    const summaries = index === undefined ? readCommandIndex() : index;
    if (summaries) registerSummaries(program, summaries);
    else await registerCommands(program, Object.keys(COMMANDS));
  }
  return program;
}

/** Registers the named commands for real (every one with `Object.keys(COMMANDS)`), in help order. */
export async function registerCommands(program: Command, names: string[]): Promise<void> {
  for (const register of await Promise.all(names.map((n) => COMMANDS[n]()))) register(program);
}

/** The command `argv` runs: the first word, or for `pype help <command>` that command. */
function commandName(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' && words[1] ? words[1] : words[0];
}

function readCommandIndex(): CommandIndexEntry[] | undefined {
  try {
    const index = JSON.parse(readFileSync(COMMAND_INDEX_URL, 'utf8')) as CommandIndexEntry[];
    // WARNING: an index from another build (a command added or renamed since) would hide commands.
    const names = index.map((c) => c.name);
    return names.join() === Object.keys(COMMANDS).join() ? index : undefined;
  } catch {
    return undefined; // not built by `pnpm build` (plain tsc): register the commands themselves
  }
}

/** Commands that only name themselves in the overview; their lines print as the real ones would. */
function registerSummaries(program: Command, index: CommandIndexEntry[]): void {
  const terms = new Map(index.map((c) => [c.name, c.term]));
  program.configureHelp({
    subcommandTerm(cmd: Command): string {
      return terms.get(cmd.name()) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
  for (const c of index) program.command(c.name).description(c.description);
}

/** Each command's overview line as the registered command prints it (for the build-time index). */
export async function commandIndex(): Promise<CommandIndexEntry[]> {
  const program = new Command('pype');
  await registerCommands(program, Object.keys(COMMANDS));
  const help = program.createHelp();
  return program.commands.map((cmd) => ({ name: cmd.name(), term: help.subcommandTerm(cmd), description: help.subcommandDescription(cmd) }));
}
