import { writeFileAtomic } from '@pypeline/sdk';
import type { Table } from 'apache-arrow';
import { encodeParquet, type ParquetWriteOptions } from './encode-parquet.js';
import { ParquetError } from './parquet-error.js';

/** Writes `table` to `path` as Parquet, atomically (never a half-written file at `path`). */
export async function writeParquetFile(path: string, table: Table, options: ParquetWriteOptions = {}): Promise<void> {
  const bytes = encodeParquet(table, options);
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    throw new ParquetError(
      `cannot write Parquet file ${path}: ${(error as Error).message}. Check that the directory is writable and the disk has space`,
      path,
      { cause: error },
    );
  }
}
