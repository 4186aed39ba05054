import { tableToIPC, type Table } from 'apache-arrow';
import { parquetWorkerFile, type ParquetCompression, type ParquetEncodeTask } from '@pypeline/parquet';
import type { ModuleContext } from '@pypeline/sdk';

/**
 * Encodes `table` as Parquet on the worker pool, so compression does not block the event
 * loop. The IPC buffer is transferred, not copied, and must not be used afterwards.
 */
export async function encodeInPool(
  table: Table,
  options: { compression: ParquetCompression; rowGroupSize: number },
  ctx: Pick<ModuleContext, 'pool' | 'signal'>,
): Promise<Uint8Array> {
  const ipc = tableToIPC(table, 'stream');
  const task: ParquetEncodeTask = { ipc, compression: options.compression, rowGroupSize: options.rowGroupSize };
  return ctx.pool.run<Uint8Array>(task, {
    filename: parquetWorkerFile,
    transferList: [ipc.buffer as ArrayBuffer],
    signal: ctx.signal,
  });
}
