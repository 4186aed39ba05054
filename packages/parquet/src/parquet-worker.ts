import { tableToIPC } from 'apache-arrow';
import { unpackBatches, type PackedBatches } from './arrow-transfer.js';
import { encodeParquetFromIPC } from './encode-parquet.js';
import type { ParquetCompression } from './compression.js';

/**
 * What a caller sends to the worker: either an Arrow IPC stream (`ipc`, whose buffer should be
 * transferred) or batches packed with `packBatches`, which the worker serialises itself, so
 * the calling thread does no per-row work at all.
 */
export interface ParquetEncodeTask {
  ipc?: Uint8Array;
  packed?: PackedBatches;
  compression?: ParquetCompression;
  rowGroupSize?: number;
}

/**
 * Piscina task: encodes to Parquet. The result is returned by copy; Parquet bytes are
 * compressed and far smaller than the Arrow data that came in.
 */
export default function encodeParquetTask(task: ParquetEncodeTask): Uint8Array {
  const ipc = task.ipc ?? tableToIPC(unpackBatches(task.packed!), 'stream');
  return encodeParquetFromIPC(ipc, { compression: task.compression, rowGroupSize: task.rowGroupSize });
}
