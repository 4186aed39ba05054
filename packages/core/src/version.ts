import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from './package-root.js';

/** The version of @pypeline/core, recorded in every DAG. */
export const PYPELINE_VERSION: string = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')).version;
