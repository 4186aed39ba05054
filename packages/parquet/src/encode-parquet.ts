import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { checkCompression, codecFor, type ParquetCompression } from './compression.js';
import { encodeFlatParquet, type FlatEncodeOptions } from './flat-encoder.js';
import { nearlyUniqueColumns } from './dictionary-columns.js';
import { parquetWasm } from './parquet-wasm.js';
import { withUuidLogicalTypes } from './uuid-logical-type.js';

export interface ParquetWriteOptions {
  /** @default 'snappy' */
  compression?: ParquetCompression;
  /** Maximum rows per row group. @default 1000000 */
  rowGroupSize?: number;
}

export const DEFAULT_ROW_GROUP_SIZE = 1_000_000;

function flatOptions(options: ParquetWriteOptions): FlatEncodeOptions {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new RangeError(`rowGroupSize must be a positive integer, got ${rowGroupSize}`);
  }
  const compression = options.compression ?? 'snappy';
  checkCompression(compression);
  return { rowGroupSize, compression };
}

/**
 * Encodes an Arrow table as a Parquet file image: flat tables with PYpeline's own writer
 * (flat-encoder.ts), anything else (nested, decimal, ... columns; zstd, brotli, lz4) with
 * parquet-wasm.
 */
export function encodeParquet(table: Table, options: ParquetWriteOptions = {}): Uint8Array {
  return encodeFlatParquet(table, flatOptions(options)) ?? encodeParquetFromIPC(tableToIPC(table, 'stream'), options);
}

/**
 * Encodes an Arrow IPC stream as a Parquet file image. The IPC form is what crosses a worker
 * boundary, since its buffer can be transferred instead of copied.
 */
export function encodeParquetFromIPC(ipc: Uint8Array, options: ParquetWriteOptions = {}): Uint8Array {
  const { rowGroupSize, compression } = flatOptions(options);
  // Reading the IPC stream as a table only makes views over its buffers: no copy.
  const table = tableFromIPC(ipc);
  return encodeFlatParquet(table, { rowGroupSize, compression }) ?? encodeWithParquetWasm(table, ipc, { rowGroupSize, compression });
}

/** parquet-wasm's encoding of `table`, whose IPC stream is `ipc`: what encodes every table flat-encoder.ts does not. */
export function encodeWithParquetWasm(table: Table, ipc: Uint8Array, { rowGroupSize, compression }: FlatEncodeOptions): Uint8Array {
  // Statistics per column chunk (min, max, nulls), not per page: readers prune row groups with
  // them, and skipping the page indexes takes about a third off the encoding time.
  const { EnabledStatistics, Table: WasmTable, WriterPropertiesBuilder, writeParquet } = parquetWasm();
  let builder = new WriterPropertiesBuilder()
    .setCompression(codecFor(compression))
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setMaxRowGroupSize(rowGroupSize);
  for (const name of nearlyUniqueColumns(table)) builder = builder.setColumnDictionaryEnabled(name, false);
  const properties = builder.build();
  const schema = table.schema;
  // writeParquet takes ownership of both wasm objects and frees them, even on error.
  return withUuidLogicalTypes(writeParquet(WasmTable.fromIPCStream(ipc), properties), schema);
}
