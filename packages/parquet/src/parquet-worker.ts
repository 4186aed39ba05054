import { encodeParquetFromIPC } from './encode-parquet.js';
import type { ParquetCompression } from './compression.js';

/**
 * What a caller sends to the worker: the rows as an Arrow IPC stream, best written with
 * IpcScratch into a SharedArrayBuffer, which the worker reads in place.
 */
export interface ParquetEncodeTask {
  ipc: Uint8Array;
  compression?: ParquetCompression;
  rowGroupSize?: number;
}

/**
 * Piscina task: encodes to Parquet. The result is returned by copy; Parquet bytes are
 * compressed and far smaller than the Arrow data that came in.
 */
export default function encodeParquetTask(task: ParquetEncodeTask): Uint8Array {
  return encodeParquetFromIPC(task.ipc, { compression: task.compression, rowGroupSize: task.rowGroupSize });
}
