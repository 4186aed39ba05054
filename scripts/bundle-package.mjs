#!/usr/bin/env node
// Build step after tsc, run in a package's folder: bundles the compiled entry into one ES module
// file, so that importing the package reads and links one file instead of one per source file
// (start-up of `pype`: resolving and compiling ~90 files of @pypeline/core was a large share).
// Every bare import (other @pypeline packages, apache-arrow, ...) stays an import, so a module
// package and the engine still share one copy of each; tsc's per-file output stays too
// (declarations, and files started by path such as core's import-check child).
//
// `--inline a,b` bundles those packages too: dependencies of this package alone whose objects no
// other package checks by identity (yaml, ajv, semver: ~180 files that `pype run` otherwise
// resolves and reads one by one). WARNING: never inline apache-arrow, nor anything whose classes
// cross package borders (instanceof): every package must import the one installed copy.
//
// `--parent <package>` is for a second entry of a package (e.g. @pypeline/sdk/testing): what it
// imports from outside its own folder is imported from the package's main entry instead, so both
// entries share one copy of its classes (`instanceof MemoryArtifact`), as their tsc files did.
//
// usage: node ../../scripts/bundle-package.mjs <compiled entry> <bundle file> [--inline pkg,pkg] [--parent pkg]
import { dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const inlineAt = args.indexOf('--inline');
const inline = inlineAt < 0 ? [] : args.splice(inlineAt, 2)[1]?.split(',').filter(Boolean) ?? [];
const parentAt = args.indexOf('--parent');
const parent = parentAt < 0 ? undefined : args.splice(parentAt, 2)[1];
const [entry, outfile] = args;
if (!entry || !outfile || (inlineAt >= 0 && !inline.length) || (parentAt >= 0 && !parent)) {
  console.error('usage: bundle-package.mjs <compiled entry, e.g. dist/index.js> <bundle file, e.g. dist/core.js> [--inline pkg,pkg] [--parent pkg]');
  process.exit(2);
}
if (inline.includes('apache-arrow')) {
  console.error('bundle-package.mjs: apache-arrow must stay one shared copy (instanceof across packages); it cannot be inlined');
  process.exit(2);
}
// The bundle sits in the entry's folder, so that a relative `new URL(..., import.meta.url)` written
// in the entry's folder resolves the same from the bundle (core keeps its others in package-root.ts).
// It may replace the entry itself (module packages, whose manifest names dist/index.js as entry).
if (dirname(resolve(entry)) !== dirname(resolve(outfile))) {
  console.error(`bundle-package.mjs: ${outfile} must be in the folder of ${entry}`);
  process.exit(2);
}

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
/** Bare imports stay imports, but those of inlined packages (and their own dependencies, inside them). */
const externals = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.path.startsWith('node:')) return { external: true };
      const insideInlined = /[/\\]node_modules[/\\]/.test(a.importer);
      return insideInlined || inline.includes(packageOf(a.path)) ? undefined : { external: true };
    });
    const own = dirname(resolve(entry));
    if (parent) {
      const outside = (a) => !/[/\\]node_modules[/\\]/.test(a.importer) && relative(own, resolve(a.resolveDir, a.path)).startsWith('..');
      b.onResolve({ filter: /^\.\.?\// }, (a) => (outside(a) ? { path: parent, external: true } : undefined));
    }
  },
};
// Inlined CommonJS code calls require() for Node's own modules; an ES module has none of its own.
const banner = inline.length ? { js: "import { createRequire as __pypeCreateRequire } from 'node:module';\nconst require = __pypeCreateRequire(import.meta.url);" } : undefined;
await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', plugins: [externals], banner, allowOverwrite: resolve(entry) === resolve(outfile) });
