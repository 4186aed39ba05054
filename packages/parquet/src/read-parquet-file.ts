import { openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Table, tableFromIPC } from 'apache-arrow';
import type { ParquetFile } from 'parquet-wasm';
import { ParquetError } from './parquet-error.js';
import { parquetWasm } from './parquet-wasm.js';
import { readFooter } from './row-group-file.js';
import { markUuidColumns, readBlobFooter, withSchema } from './uuid-logical-type.js';

export interface ParquetReadOptions {
  /** Read only these columns, in this order (all when omitted). */
  columns?: string[];
}

/** Reads a Parquet file into an Arrow table. */
export async function readParquetFile(path: string, options: ParquetReadOptions = {}): Promise<Table> {
  try {
    if (options.columns) return await readColumns(path, options.columns);
    return decodeParquet(await readFile(path), path);
  } catch (error) {
    if (error instanceof ParquetError) throw error;
    throw readError(path, error);
  }
}

/** Decodes a whole Parquet file image; `path` only names the source in errors. */
export function decodeParquet(bytes: Uint8Array, path: string): Table {
  try {
    // intoIPCStream frees the wasm table; the IPC copy then lives in JS memory.
    return marked(tableFromIPC(parquetWasm().readParquet(bytes).intoIPCStream()), readFooter(bytes, path));
  } catch (error) {
    throw decodeError(path, error);
  }
}

// WARNING: parquet-wasm 0.8's synchronous readParquet ignores `columns`; only the async
// ParquetFile reader projects, and reading through a file-backed Blob skips the other chunks.
async function readColumns(path: string, columns: string[]): Promise<Table> {
  const blob = await openAsBlob(path);
  let file: ParquetFile | undefined;
  try {
    file = await parquetWasm().ParquetFile.fromFile(blob);
    const table = tableFromIPC((await file.read({ columns })).intoIPCStream());
    return marked(table.select(columns), await readBlobFooter(blob, path));
  } catch (error) {
    throw decodeError(path, error);
  } finally {
    file?.free();
  }
}

/** `table` with its UUID columns marked (see uuid-logical-type.ts). */
function marked(table: Table, footer: Parameters<typeof markUuidColumns>[1]): Table {
  const schema = markUuidColumns(table.schema, footer);
  return schema === table.schema ? table : new Table(schema, table.batches.map((b) => withSchema(b, schema)));
}

function readError(path: string, error: unknown): ParquetError {
  const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
  const message = missing
    ? `Parquet file ${path} does not exist: check the path`
    : `cannot read Parquet file ${path}: ${(error as Error).message}`;
  return new ParquetError(message, path, { cause: error });
}

function decodeError(path: string, error: unknown): ParquetError {
  return new ParquetError(
    `cannot decode Parquet file ${path}: ${(error as Error).message ?? String(error)}. ` +
      'Check that it is a Parquet file and that every requested column exists',
    path,
    { cause: error },
  );
}
