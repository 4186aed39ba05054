import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, Utf8, tableToIPC, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { encodeParquet, encodeParquetFromIPC } from './encode-parquet.js';
import { IpcScratch } from './ipc-scratch.js';
import { openParquetBatches } from './read-parquet-batches.js';
import { decodeParquet, readParquetFile } from './read-parquet-file.js';
import { readFooter, RowGroupFileWriter } from './row-group-file.js';
import { readStruct, writeStruct } from './thrift-compact.js';
import { writeParquetStream } from './write-parquet-stream.js';

function rows(from: number, n: number): Table {
  return new Table({
    id: vectorFromArray(Int32Array.from({ length: n }, (_, i) => from + i)),
    name: vectorFromArray(Array.from({ length: n }, (_, i) => ((from + i) % 5 ? `n${from + i}` : null)), new Utf8()),
  });
}

async function* stream(batches: number, size: number): AsyncGenerator<RecordBatch> {
  for (let b = 0; b < batches; b++) yield* rows(b * size, size).batches;
}

const dir = () => mkdtempSync(join(tmpdir(), 'parquet-stream-'));

describe('writing Parquet row group by row group', () => {
  it('re-encodes a footer byte for byte through the thrift codec', () => {
    const image = encodeParquet(rows(0, 100));
    const footer = readFooter(image, 'memory');
    const n = image.length;
    const length = new DataView(image.buffer, image.byteOffset + n - 8, 4).getUint32(0, true);
    expect(writeStruct(footer)).toEqual(image.subarray(n - 8 - length, n - 8));
    expect(readStruct(writeStruct(footer)).value).toEqual(footer);
  });

  it('stitches separately encoded images into one file that readers see whole', async () => {
    const path = join(dir(), 'out.parquet');
    const writer = await RowGroupFileWriter.create(path);
    for (let k = 0; k < 3; k++) await writer.append(encodeParquet(rows(k * 1000, 1000)));
    await writer.close();
    const back = await readParquetFile(path);
    expect(back.numRows).toBe(3000);
    expect([...back.getChild('id')!]).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(back.getChild('name')!.get(2001)).toBe('n2001');
    expect(back.getChild('name')!.get(2000)).toBeNull();
    expect((await openParquetBatches(path)).numRowGroups).toBe(3);
  });

  it('cuts a stream at rowGroupSize rows and reads it back one row group at a time, projected', async () => {
    const path = join(dir(), 'stream.parquet');
    const result = await writeParquetStream(path, stream(7, 300), { rowGroupSize: 1000, concurrency: 2 });
    expect(result).toEqual({ rows: 2100, rowGroups: 3 });
    const file = await openParquetBatches(path, { columns: ['name'] });
    expect(file.schema.names).toEqual(['name']);
    const sizes: number[] = [];
    for await (const batch of file.batches()) sizes.push(batch.numRows);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2100);
    expect(file.numRowGroups).toBe(3);
  });

  it('writes a valid empty file for an empty stream with a schema', async () => {
    const path = join(dir(), 'empty.parquet');
    await writeParquetStream(path, stream(0, 0), { schema: rows(0, 1).schema });
    const back = await readParquetFile(path);
    expect(back.numRows).toBe(0);
    expect(back.schema.names).toEqual(['id', 'name']);
  });

  it('leaves nothing behind when the stream fails', async () => {
    const folder = dir();
    async function* broken(): AsyncGenerator<RecordBatch> {
      yield* rows(0, 10).batches;
      throw new Error('upstream broke');
    }
    await expect(writeParquetStream(join(folder, 'x.parquet'), broken())).rejects.toThrow('upstream broke');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('writes IPC streams into shared buffers it reuses, growing one that is too small', () => {
    const scratch = new IpcScratch();
    const small = new Table([...rows(0, 50).batches, ...rows(50, 30).slice(10).batches]);
    const first = scratch.write(small);
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    // The same bytes as apache-arrow's own IPC stream (the same writer, another sink).
    expect(Buffer.from(first).equals(Buffer.from(tableToIPC(small, 'stream')))).toBe(true);
    expect(decodeParquet(encodeParquetFromIPC(first), 'first').toArray().map((r) => r.toJSON())).toEqual(small.toArray().map((r) => r.toJSON()));
    scratch.release(first);
    const again = scratch.write(rows(0, 20));
    expect(again.buffer).toBe(first.buffer);
    // A buffer still out is not handed out twice.
    const other = scratch.write(rows(0, 20));
    expect(other.buffer).not.toBe(first.buffer);
    scratch.release(again);
    scratch.release(other);
    const big = rows(0, 5000);
    const grown = scratch.write(big);
    expect(decodeParquet(encodeParquetFromIPC(grown), 'grown').numRows).toBe(5000);
  });
});
