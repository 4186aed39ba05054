/**
 * @pypeline/parquet, imported on first use. Importing it compiles parquet-wasm, which a run
 * that never spills, checkpoints, caches or ships a table does not need (start-up time).
 */
export function parquet(): Promise<typeof import('@pypeline/parquet')> {
  return import('@pypeline/parquet');
}
