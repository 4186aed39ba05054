import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the built worker file, for `pool.run(task, { filename: parquetWorkerFile })`.
 * WARNING: resolved through `../dist/` so it names the compiled JS both from dist/ (at run
 * time) and from src/ (under vitest); worker threads cannot load the TypeScript source.
 */
export const parquetWorkerFile: string = fileURLToPath(new URL('../dist/parquet-worker.js', import.meta.url));
