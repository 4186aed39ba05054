import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareManifest } from './check-manifest.js';
import { CodegenError } from './codegen-error.js';
import { generateManifest } from './generate-manifest.js';
import { MANIFEST_FILE } from './manifest.js';
import { readPackage } from './read-package.js';
import { serializeManifest } from './serialize-manifest.js';

const USAGE = `Usage: pypeline-codegen [--check] [--cwd <dir>] [--debug]

Run in a module package after \`tsc\`: generates ${MANIFEST_FILE} from src/config.ts
(interface Config) and the default export of the built entry.

  --check      regenerate in memory; exit 1 if the committed ${MANIFEST_FILE} differs
               (the default when the CI environment variable is set, as with test snapshots)
  --write      write even under CI
  --cwd <dir>  the module package directory (default: the current directory)
  --debug      print stack traces`;

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

const consoleIO: CliIO = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Runs the CLI and returns its exit code. */
export async function main(argv: string[], io: CliIO = consoleIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { check: { type: 'boolean' }, write: { type: 'boolean' }, cwd: { type: 'string' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    io.err(`pypeline-codegen: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const dir = resolve(args.cwd ?? process.cwd());
  try {
    const manifest = await generateManifest(dir);
    const text = serializeManifest(manifest);
    return shouldCheck(args, env) ? check(dir, text, io) : write(dir, text, io);
  } catch (error) {
    if (error instanceof CodegenError) {
      io.err(`pypeline-codegen: ${error.packageName} has ${error.problems.length} problem(s):`);
      for (const problem of error.problems) io.err(`  - ${problem}`);
    } else {
      io.err(`pypeline-codegen: internal error, please report it as a bug: ${(error as Error).message}`);
    }
    if (args.debug) io.err((error as Error).stack ?? '');
    return 1;
  }
}

// Under CI a stale committed manifest must fail the build instead of being quietly rewritten.
function shouldCheck(args: { check?: boolean; write?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (args.check) return true;
  if (args.write) return false;
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
}

function check(dir: string, text: string, io: CliIO): number {
  const result = compareManifest(dir, readPackage(dir).name, text);
  if (result.ok) {
    io.out(`pypeline-codegen: ${join(dir, MANIFEST_FILE)} is up to date`);
    return 0;
  }
  io.err(`pypeline-codegen: ${result.message}`);
  return 1;
}

// Skips the write when nothing changed so file watchers and build caches stay quiet.
function write(dir: string, text: string, io: CliIO): number {
  const path = join(dir, MANIFEST_FILE);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) {
    io.out(`pypeline-codegen: ${path} is up to date`);
  } else {
    writeFileSync(path, text);
    io.out(`pypeline-codegen: wrote ${path}`);
  }
  return 0;
}
