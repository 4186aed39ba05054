import { transferResult } from '@pypeline/sdk/worker';
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

/** Piscina task: encodes to Parquet; the file image is transferred back, not copied. */
export default function encodeParquetTask(task: ParquetEncodeTask): Uint8Array {
  const image = encodeParquetFromIPC(task.ipc, { compression: task.compression, rowGroupSize: task.rowGroupSize });
  return transferResult(image, [image.buffer]);
}
