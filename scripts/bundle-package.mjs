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
// `--parent <package> <its compiled main entry>` is for a second entry of a package (e.g.
// @pypeline/sdk/testing): a file it imports that the main entry's bundle holds too is imported from
// the package instead, so both entries share one copy of its classes (`instanceof MemoryArtifact`),
// as their tsc files did; the main entry must export what is imported (checked: the new bundle is
// imported once built). Files outside the main entry's graph are bundled in.
//
// usage: node ../../scripts/bundle-package.mjs <compiled entry> <bundle file> [--inline pkg,pkg] [--parent pkg main-entry]
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const inlineAt = args.indexOf('--inline');
const inline = inlineAt < 0 ? [] : args.splice(inlineAt, 2)[1]?.split(',').filter(Boolean) ?? [];
const parentAt = args.indexOf('--parent');
const [, parent, parentEntry] = parentAt < 0 ? [] : args.splice(parentAt, 3);
const [entry, outfile] = args;
if (!entry || !outfile || (inlineAt >= 0 && !inline.length) || (parentAt >= 0 && !parentEntry)) {
  console.error('usage: bundle-package.mjs <compiled entry, e.g. dist/index.js> <bundle file, e.g. dist/core.js> [--inline pkg,pkg] [--parent pkg main-entry]');
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
/** With --parent: the files of the parent's main entry graph (absolute paths), which its own bundle holds. */
let parentFiles;
/** Bare imports stay imports, but those of inlined packages (and their own dependencies, inside them). */
const externals = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.path.startsWith('node:')) return { external: true };
      const insideInlined = /[/\\]node_modules[/\\]/.test(a.importer);
      return insideInlined || inline.includes(packageOf(a.path)) ? undefined : { external: true };
    });
    if (parentFiles) {
      const shared = (a) => parentFiles.has(resolve(a.resolveDir, a.path)) && resolve(a.resolveDir, a.path) !== resolve(entry);
      b.onResolve({ filter: /^\.\.?\// }, (a) => (shared(a) ? { path: parent, external: true } : undefined));
    }
  },
};
async function graphOf(main) {
  const { metafile } = await build({ entryPoints: [main], bundle: true, write: false, metafile: true, format: 'esm', platform: 'node', logLevel: 'silent', plugins: [externals] });
  return new Set(Object.keys(metafile.inputs).map((file) => resolve(file)));
}
parentFiles = parentEntry ? await graphOf(parentEntry) : undefined;
// Inlined CommonJS code calls require() for Node's own modules; an ES module has none of its own.
const banner = inline.length ? { js: "import { createRequire as __pypeCreateRequire } from 'node:module';\nconst require = __pypeCreateRequire(import.meta.url);" } : undefined;
await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', plugins: [externals], banner, allowOverwrite: resolve(entry) === resolve(outfile) });
if (parent) {
  // A name the main entry does not export fails only when the bundle is linked: find it now.
  await import(pathToFileURL(resolve(outfile)).href).catch((error) => {
    console.error(`bundle-package.mjs: ${outfile} imports from ${parent} what its main entry does not export: ${error.message}`);
    process.exit(1);
  });
}
