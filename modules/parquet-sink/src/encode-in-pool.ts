import { tableToIPC, type Table } from 'apache-arrow';
import { canPack, encodeParquet, packBatches, parquetWorkerFile, type ParquetCompression, type ParquetEncodeTask } from '@pypeline/parquet';
import type { ModuleContext } from '@pypeline/sdk';

/** Row groups of at most this many cells (rows × columns) are encoded on the calling thread. */
const INLINE_CELLS = 50_000;

/**
 * Encodes `table` as a Parquet file image on the worker pool; a small one (a small file, or a
 * stream's last rows) here, since starting a pool thread would cost more than encoding it (this
 * thread has loaded the Parquet WASM module already). Its batches travel packed (shared
 * or copied buffers, serialised to IPC by the worker), so this thread does no per-row work;
 * tables with dictionary columns go as one IPC buffer, transferred, not copied.
 */
export async function encodeInPool(
  table: Table,
  options: { compression: ParquetCompression; rowGroupSize: number },
  ctx: Pick<ModuleContext, 'pool' | 'signal'>,
): Promise<Uint8Array> {
  const base = { compression: options.compression, rowGroupSize: options.rowGroupSize };
  if (table.numRows * Math.max(1, table.numCols) <= INLINE_CELLS) return encodeParquet(table, base);
  if (canPack(table.schema)) {
    const task: ParquetEncodeTask = { ...base, packed: packBatches(table.schema, table.batches) };
    return ctx.pool.run<Uint8Array>(task, { filename: parquetWorkerFile, signal: ctx.signal });
  }
  const ipc = tableToIPC(table, 'stream');
  const task: ParquetEncodeTask = { ...base, ipc };
  return ctx.pool.run<Uint8Array>(task, { filename: parquetWorkerFile, transferList: [ipc.buffer as ArrayBuffer], signal: ctx.signal });
}
