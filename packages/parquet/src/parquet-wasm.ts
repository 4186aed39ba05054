import { createRequire } from 'node:module';
import type * as ParquetWasm from 'parquet-wasm';

let loaded: typeof ParquetWasm | undefined;

/**
 * parquet-wasm, loaded on first use (its Node build, CommonJS, compiles its WebAssembly when
 * required: about 90 ms of a run's start-up, and again in each worker thread that encodes).
 * Flat tables are written by flat-encoder.ts and never need it; nested columns, decimals, the
 * other codecs and every read do.
 */
export function parquetWasm(): typeof ParquetWasm {
  return (loaded ??= createRequire(import.meta.url)('parquet-wasm') as typeof ParquetWasm);
}
