import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareGenerated } from './check-manifest.js';
import { CodegenError } from './codegen-error.js';
import { FLOW_DTS, FLOW_JS, generateFlowFactory } from './generate-flow-factory.js';
import { generateManifest } from './generate-manifest.js';
import { MANIFEST_FILE } from './manifest.js';
import { readPackage } from './read-package.js';
import { serializeManifest } from './serialize-manifest.js';

const USAGE = `Usage: pypeline-codegen [--check] [--cwd <dir>] [--debug]

Run in a module package after \`tsc\`: generates ${MANIFEST_FILE} from src/config.ts
(interface Config) and the default export of the built entry, and the typed factory for
TypeScript flows (${FLOW_JS}, ${FLOW_DTS}; export them as "./flow").

  --check      regenerate in memory; exit 1 if a committed file differs
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
    const factory = generateFlowFactory(manifest);
    const files: Generated[] = [
      { file: MANIFEST_FILE, text: serializeManifest(manifest) },
      { file: FLOW_JS, text: factory.js },
      { file: FLOW_DTS, text: factory.dts },
    ];
    return shouldCheck(args, env) ? check(dir, files, io) : write(dir, files, io);
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

interface Generated {
  file: string;
  text: string;
}

function check(dir: string, files: Generated[], io: CliIO): number {
  const name = readPackage(dir).name;
  let code = 0;
  for (const { file, text } of files) {
    const result = compareGenerated(dir, name, file, text);
    if (result.ok) io.out(`pypeline-codegen: ${join(dir, file)} is up to date`);
    else {
      io.err(`pypeline-codegen: ${result.message}`);
      code = 1;
    }
  }
  return code;
}

// Skips the write when nothing changed so file watchers and build caches stay quiet.
function write(dir: string, files: Generated[], io: CliIO): number {
  for (const { file, text } of files) {
    const path = join(dir, file);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) {
      io.out(`pypeline-codegen: ${path} is up to date`);
    } else {
      writeFileSync(path, text);
      io.out(`pypeline-codegen: wrote ${path}`);
    }
  }
  return 0;
}
