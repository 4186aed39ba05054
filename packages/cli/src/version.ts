import { readFileSync } from 'node:fs';

/** The version of @pypeline/cli (what `pype --version` prints). */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
