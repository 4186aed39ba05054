#!/usr/bin/env node
// The `pype` command. A committed shim rather than dist/bin.js itself, so that the bin exists
// when a package manager links it: in a checkout, `pnpm install` runs before the first build.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node >= 22.1 keeps V8's compiled code of every module on disk (in the OS temp folder, or
// NODE_COMPILE_CACHE), so later starts skip compiling the engine; older Nodes lack the API.
if (typeof module.enableCompileCache === 'function') {
  try {
    module.enableCompileCache();
  } catch {
    // A cache that cannot be opened only costs speed.
  }
}

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  console.error('pype: @pypeline/cli is not built yet (no dist/bin.js).\n    fix: run `pnpm build` in the PYpeline checkout, then run pype again');
  process.exit(1);
}
await import(built.href);
