import { encodeParquetFromIPC } from './encode-parquet.js';
import type { ParquetCompression } from './compression.js';

/** What a caller sends to the worker; `ipc` is an Arrow IPC stream whose buffer should be transferred. */
export interface ParquetEncodeTask {
  ipc: Uint8Array;
  compression?: ParquetCompression;
  rowGroupSize?: number;
}

/**
 * Piscina task: encodes an Arrow IPC stream as Parquet. The result is returned by copy;
 * Parquet bytes are compressed and far smaller than the IPC input that was transferred in.
 */
export default function encodeParquetTask(task: ParquetEncodeTask): Uint8Array {
  return encodeParquetFromIPC(task.ipc, { compression: task.compression, rowGroupSize: task.rowGroupSize });
}
