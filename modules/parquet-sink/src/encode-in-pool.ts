import type { Table } from 'apache-arrow';
import { encodeParquet, parquetWorkerFile, type IpcScratch, type ParquetCompression, type ParquetEncodeTask } from '@pypeline/parquet';
import type { ModuleContext } from '@pypeline/sdk';

/** Row groups of at most this many cells (rows × columns) are encoded on the calling thread. */
const INLINE_CELLS = 50_000;

/**
 * Encodes `table` as a Parquet file image on the worker pool; a small one (a small file, or a
 * stream's last rows) here, since starting a pool thread would cost more than encoding it (this
 * thread has loaded the Parquet WASM module already). The rows travel as an Arrow IPC stream
 * written into one of `scratch`'s shared buffers (reused, so no fresh memory per row group;
 * shared, so the pool thread reads it without a copy), given back once the pool thread is done.
 */
export async function encodeInPool(
  table: Table,
  options: { compression: ParquetCompression; rowGroupSize: number },
  scratch: IpcScratch,
  ctx: Pick<ModuleContext, 'pool' | 'signal'>,
): Promise<Uint8Array> {
  const base = { compression: options.compression, rowGroupSize: options.rowGroupSize };
  if (table.numRows * Math.max(1, table.numCols) <= INLINE_CELLS) return encodeParquet(table, base);
  const ipc = scratch.write(table);
  try {
    const task: ParquetEncodeTask = { ...base, ipc };
    return await ctx.pool.run<Uint8Array>(task, { filename: parquetWorkerFile, signal: ctx.signal });
  } finally {
    scratch.release(ipc);
  }
}
