import { RecordBatchReader, tableToIPC, type Table } from 'apache-arrow';
import { EnabledStatistics, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { codecFor, type ParquetCompression } from './compression.js';
import { withUuidLogicalTypes } from './uuid-logical-type.js';

export interface ParquetWriteOptions {
  /** @default 'snappy' */
  compression?: ParquetCompression;
  /** Maximum rows per row group. @default 1000000 */
  rowGroupSize?: number;
}

export const DEFAULT_ROW_GROUP_SIZE = 1_000_000;

/** Encodes an Arrow table as a Parquet file image. */
export function encodeParquet(table: Table, options: ParquetWriteOptions = {}): Uint8Array {
  return encodeParquetFromIPC(tableToIPC(table, 'stream'), options);
}

/**
 * Encodes an Arrow IPC stream as a Parquet file image. The IPC form is what crosses a worker
 * boundary, since its buffer can be transferred instead of copied.
 */
export function encodeParquetFromIPC(ipc: Uint8Array, options: ParquetWriteOptions = {}): Uint8Array {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new RangeError(`rowGroupSize must be a positive integer, got ${rowGroupSize}`);
  }
  // Statistics per column chunk (min, max, nulls), not per page: readers prune row groups with
  // them, and skipping the page indexes takes about a third off the encoding time.
  const properties = new WriterPropertiesBuilder()
    .setCompression(codecFor(options.compression ?? 'snappy'))
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setMaxRowGroupSize(rowGroupSize)
    .build();
  // Only the schema message is read here; the batches stay in the buffer for the wasm side.
  const reader = RecordBatchReader.from(ipc);
  const schema = reader.open().schema;
  // writeParquet takes ownership of both wasm objects and frees them, even on error.
  return withUuidLogicalTypes(writeParquet(WasmTable.fromIPCStream(ipc), properties), schema);
}
