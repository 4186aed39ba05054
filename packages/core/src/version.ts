import { readFileSync } from 'node:fs';

/** The version of @pypeline/core, recorded in every DAG. */
export const PYPELINE_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
