import type { AtomicFile } from '@pypeline/sdk';
import { RecordBatch, Table, type Schema } from 'apache-arrow';
import { DEFAULT_ROW_GROUP_SIZE, encodeParquet, type ParquetWriteOptions } from './encode-parquet.js';
import { ParquetError } from './parquet-error.js';
import { RowGroupFileWriter } from './row-group-file.js';

export interface ParquetStreamOptions extends ParquetWriteOptions {
  /** Encodes one row group's rows as a Parquet file image; default: encodeParquet on this thread. */
  encode?: (rows: Table) => Promise<Uint8Array>;
  /** Row groups being encoded at once (with a pool-backed `encode`). @default 1 */
  concurrency?: number;
  /** The schema of an empty stream. */
  schema?: Schema;
  signal?: AbortSignal;
  /**
   * Opens the all-or-nothing target the file is written to. Default: openAtomicFile (a temp file
   * renamed over `path`); an object-storage upload for an s3:// path.
   */
  open?: (path: string) => Promise<AtomicFile>;
}

export interface ParquetStreamResult {
  rows: number;
  rowGroups: number;
}

/**
 * Writes a stream of record batches to one Parquet file, row group by row group, so only
 * `concurrency` row groups are in memory at once. Batches are cut at `rowGroupSize` rows;
 * groups are encoded (possibly in parallel) and appended in order. Atomic: on any failure
 * nothing is left at `path` or beside it.
 */
export async function writeParquetStream(path: string, batches: AsyncIterable<RecordBatch>, options: ParquetStreamOptions = {}): Promise<ParquetStreamResult> {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) throw new RangeError(`rowGroupSize must be a positive integer, got ${rowGroupSize}`);
  const encode = options.encode ?? (async (rows: Table) => encodeParquet(rows, { compression: options.compression, rowGroupSize }));
  const concurrency = Math.max(1, options.concurrency ?? 1);
  let writer: RowGroupFileWriter;
  try {
    writer = await RowGroupFileWriter.create(path, options.open);
  } catch (error) {
    throw writeError(path, error);
  }
  const pending: Promise<Uint8Array>[] = [];
  let schema = options.schema;
  let group: RecordBatch[] = [];
  let groupRows = 0;
  let groups = 0;
  const flush = async () => {
    if (!groupRows) return;
    pending.push(encode(new Table(group[0].schema, group)));
    groups++;
    group = [];
    groupRows = 0;
    while (pending.length >= concurrency) await writer.append(await pending.shift()!);
  };
  try {
    for await (let batch of batches) {
      options.signal?.throwIfAborted();
      schema ??= batch.schema;
      while (batch.numRows > 0) {
        const take = Math.min(batch.numRows, rowGroupSize - groupRows);
        group.push(take === batch.numRows ? batch : batch.slice(0, take));
        groupRows += take;
        batch = batch.slice(take);
        if (groupRows === rowGroupSize) await flush();
      }
    }
    await flush();
    if (!schema) throw new ParquetError(`cannot write Parquet file ${path}: the stream had no batch and no schema was given`, path);
    // A stream with no rows still makes a valid file with the schema.
    if (groups === 0) pending.push(encode(new Table(schema)));
    for (const image of pending.splice(0)) await writer.append(await image);
    await writer.close();
    return { rows: writer.rows, rowGroups: groups };
  } catch (error) {
    for (const p of pending) p.catch(() => {});
    await writer.abort();
    if (error instanceof ParquetError || (error as Error)?.name === 'AbortError') throw error;
    if ((error as NodeJS.ErrnoException)?.code) throw writeError(path, error);
    throw error;
  }
}

function writeError(path: string, error: unknown): ParquetError {
  return new ParquetError(`cannot write Parquet file ${path}: ${(error as Error).message}. Check that the directory is writable and the disk has space`, path, { cause: error });
}
