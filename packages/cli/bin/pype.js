#!/usr/bin/env node
// The `pype` command. A committed shim rather than dist/bin.js itself, so that the bin exists
// when a package manager links it: in a checkout, `pnpm install` runs before the first build.
// CommonJS (bin/package.json), unlike the rest of the package: `pype --version` then starts no
// ES module loader at all, a few milliseconds of a command that should cost no more than Node.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { enableCompileCache } = require('node:module');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

// Node >= 22.1 keeps V8's compiled code of every module on disk (in the OS temp folder, or
// NODE_COMPILE_CACHE), so later starts skip compiling the engine; older Nodes lack the API.
if (typeof enableCompileCache === 'function') {
  try {
    enableCompileCache();
  } catch {
    // A cache that cannot be opened only costs speed.
  }
}

const built = join(__dirname, '../dist/bin.js');
if (!existsSync(built)) {
  console.error('pype: @pypeline/cli is not built yet (no dist/bin.js).\n    fix: run `pnpm build` in the PYpeline checkout, then run pype again');
  process.exit(1);
}
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Printed here, before anything else loads; what dist/bin.js prints (src/version.ts), and like
  // it, ends quietly when the reader went away (`pype --version | true`).
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')).version}\n`);
} else {
  // Not awaited (CommonJS has no top-level await): a failure to load is still reported and exits 1.
  import(pathToFileURL(built).href);
}
