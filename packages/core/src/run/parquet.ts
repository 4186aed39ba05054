/**
 * @pypeline/parquet, imported on first use: a run that never spills, checkpoints, caches or
 * ships a table does not load its writer and reader (start-up time; parquet-wasm itself is
 * loaded only when a table needs it, see that package's parquet-wasm.ts).
 */
export function parquet(): Promise<typeof import('@pypeline/parquet')> {
  return import('@pypeline/parquet');
}
