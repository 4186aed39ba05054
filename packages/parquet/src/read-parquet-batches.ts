import { existsSync, openAsBlob } from 'node:fs';
import { tableFromIPC, type RecordBatch, type Schema } from 'apache-arrow';
import type { ParquetFile } from 'parquet-wasm';
import { ParquetError } from './parquet-error.js';
import { parquetWasm } from './parquet-wasm.js';
import { markUuidColumns, readBlobFooter, withSchema } from './uuid-logical-type.js';

export interface ParquetBatchesOptions {
  /** Read only these columns, in this order (all when omitted). */
  columns?: string[];
  /**
   * The file's bytes when they are not a local file at `path` (an object in object storage,
   * whose slices are ranged GETs); `path` then only names it in messages.
   */
  blob?: Blob;
}

/** A Parquet file opened for streaming: its schema now, its row groups one at a time. */
export interface ParquetBatches {
  readonly schema: Schema;
  readonly numRows: number;
  readonly numRowGroups: number;
  /** One or more record batches per row group, in file order; only one row group is in memory at a time. */
  batches(): AsyncGenerator<RecordBatch>;
}

/**
 * Opens a Parquet file for reading row group by row group, reading only the byte ranges of
 * the projected columns (through a file-backed Blob, or `options.blob`). The schema is that of the projection.
 */
export async function openParquetBatches(path: string, options: ParquetBatchesOptions = {}): Promise<ParquetBatches> {
  let blob: Blob;
  try {
    blob = options.blob ?? (await openAsBlob(path));
  } catch (error) {
    // openAsBlob reports a missing file as an invalid argument, not ENOENT.
    const missing = !existsSync(path);
    throw new ParquetError(missing ? `Parquet file ${path} does not exist: check the path` : `cannot read Parquet file ${path}: ${(error as Error).message}`, path, { cause: error });
  }
  const file = await decode(path, () => parquetWasm().ParquetFile.fromFile(blob));
  const meta = file.metadata();
  const numRowGroups = meta.numRowGroups();
  const numRows = Number(meta.fileMetadata().numRows());
  meta.free();
  const columns = options.columns;
  // The schema comes from the first row group read with the same projection (an empty read when there is none).
  const first = await readGroup(path, file, numRowGroups > 0 ? [0] : [], columns);
  const schema = markUuidColumns(first.schema, await decode(path, () => readBlobFooter(blob, path)));
  async function* batches(): AsyncGenerator<RecordBatch> {
    try {
      for (let i = 0; i < numRowGroups; i++) {
        const table = i === 0 ? first : await readGroup(path, file, [i], columns);
        for (const batch of table.batches) yield schema === first.schema ? batch : withSchema(batch, schema);
      }
    } finally {
      file.free();
    }
  }
  return { schema, numRows, numRowGroups, batches };
}

async function readGroup(path: string, file: ParquetFile, rowGroups: number[], columns?: string[]) {
  const table = tableFromIPC((await decode(path, () => file.read({ rowGroups, columns }))).intoIPCStream());
  return columns ? table.select(columns) : table;
}

async function decode<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new ParquetError(
      `cannot decode Parquet file ${path}: ${(error as Error).message ?? String(error)}. Check that it is a Parquet file and that every requested column exists`,
      path,
      { cause: error },
    );
  }
}
