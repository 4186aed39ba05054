import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the built parse worker, for `ctx.pool.run(task, { filename })`.
 * WARNING: resolved through `../dist/` so it names compiled JS from dist/ (at run time) and
 * from src/ (under vitest); worker threads cannot load the TypeScript source.
 */
export const csvWorkerFile: string = fileURLToPath(new URL('../dist/parse-worker.js', import.meta.url));
