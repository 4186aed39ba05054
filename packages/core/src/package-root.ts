/**
 * The package's own folder (a file URL ending in `/`), for the files it keeps by path: its
 * package.json, the flow schema, the import-check child. This file sits one level below the root
 * in every form the code runs in: src/ (tests), dist/ (tsc's files) and dist/core.js (the bundle
 * importers load, see scripts/bundle-package.mjs), so one relative URL holds in all three.
 */
export const PACKAGE_ROOT = new URL('../', import.meta.url);
