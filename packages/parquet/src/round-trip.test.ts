import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bool, DateDay, Float64, Int32, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeParquet, readParquetFile } from './read-parquet-file.js';
import { encodeParquet } from './encode-parquet.js';
import { writeParquetFile } from './write-parquet-file.js';
import type { ParquetCompression } from './compression.js';

const DAY = 86_400_000;

function sample(): Table {
  return new Table({
    id: vectorFromArray([1, 2, null, 4], new Int32()),
    price: vectorFromArray([1.5, null, -3.25, 1e300], new Float64()),
    name: vectorFromArray(['ada', null, '', 'é 中文'], new Utf8()),
    born: vectorFromArray([new Date(0), new Date(19_000 * DAY), null, new Date(-1 * DAY)], new DateDay()),
    active: vectorFromArray([true, false, null, true], new Bool()),
    big: vectorFromArray([9_007_199_254_740_993n, -1n, null, 0n], new Int64()),
  });
}

function columns(table: Table): Record<string, unknown[]> {
  return Object.fromEntries(table.schema.fields.map((f) => [f.name, [...table.getChild(f.name)!]]));
}

describe('Parquet round trip', () => {
  it('keeps ints, floats, strings with nulls, dates, booleans and int64', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parquet-')), 'out.parquet');
    const table = sample();
    await writeParquetFile(path, table);
    const back = await readParquetFile(path);
    expect(back.numRows).toBe(4);
    expect(back.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(table.schema.fields.map((f) => `${f.name}:${f.type}`));
    expect(columns(back)).toEqual(columns(table));
  });

  it.each<ParquetCompression>(['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'none'])('encodes with %s', (compression) => {
    const back = decodeParquet(encodeParquet(sample(), { compression }), 'memory');
    expect(columns(back)).toEqual(columns(sample()));
  });

  it('splits row groups by rowGroupSize and reads only the asked columns', async () => {
    const ids = vectorFromArray(Array.from({ length: 2500 }, (_, i) => i), new Int32());
    const table = new Table({ id: ids, twice: vectorFromArray(Array.from({ length: 2500 }, (_, i) => i * 2), new Int32()) });
    const path = join(mkdtempSync(join(tmpdir(), 'parquet-')), 'groups.parquet');
    await writeParquetFile(path, table, { rowGroupSize: 1000 });
    const back = await readParquetFile(path, { columns: ['twice', 'id'] });
    expect(back.schema.names).toEqual(['twice', 'id']);
    expect(back.numRows).toBe(2500);
    expect(back.getChild('twice')!.get(2499)).toBe(4998);
  });

  it('names the file when it is missing or not Parquet', async () => {
    await expect(readParquetFile('/nope/missing.parquet')).rejects.toThrow('Parquet file /nope/missing.parquet does not exist');
    expect(() => decodeParquet(new Uint8Array([1, 2, 3]), 'junk.parquet')).toThrow(/cannot decode Parquet file junk\.parquet/);
    const path = join(mkdtempSync(join(tmpdir(), 'parquet-')), 'x.parquet');
    await writeParquetFile(path, sample());
    await expect(readParquetFile(path, { columns: ['nope'] })).rejects.toThrow(`cannot decode Parquet file ${path}: Column nope not found`);
  });

  it('rejects a bad row group size before writing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-'));
    await expect(writeParquetFile(join(dir, 'x.parquet'), sample(), { rowGroupSize: 0 })).rejects.toThrow(/rowGroupSize/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
