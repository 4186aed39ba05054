#!/usr/bin/env node
// Build step after tsc, run in a package's folder: bundles the compiled entry into one ES module
// file, so that importing the package reads and links one file instead of one per source file
// (start-up of `pype`: resolving and compiling ~90 files of @pypeline/core was a large share).
// Every bare import (other @pypeline packages, apache-arrow, ajv, ...) stays an import, so a
// module package and the engine still share one copy of each; tsc's per-file output stays too
// (declarations, and files started by path such as core's import-check child).
//
// usage: node ../../scripts/bundle-package.mjs <compiled entry> <bundle file>
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: bundle-package.mjs <compiled entry, e.g. dist/index.js> <bundle file, e.g. dist/core.js>');
  process.exit(2);
}
// The bundle sits in the entry's folder, so that a relative `new URL(..., import.meta.url)` written
// in the entry's folder resolves the same from the bundle (core keeps its others in package-root.ts).
if (dirname(resolve(entry)) !== dirname(resolve(outfile))) {
  console.error(`bundle-package.mjs: ${outfile} must be in the folder of ${entry}`);
  process.exit(2);
}
await build({ entryPoints: [entry], outfile, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning' });
