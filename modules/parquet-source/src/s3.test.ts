import { fileURLToPath } from 'node:url';
import { Float64, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { writeParquetFile } from '@pypeline/parquet';
import { runModule } from '@pypeline/sdk/testing';
import { rowsText, useLocalS3 } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import parquetSource from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

const s3 = useLocalS3(['in']);

const read = (config: Config) => runModule(parquetSource, { config, manifest: MANIFEST, moduleId: 'src' });

const n = 30_000;
const table = new Table({
  id: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new Int64()),
  name: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 9 ? `name ${i}` : null)), new Utf8()),
  score: vectorFromArray(Array.from({ length: n }, (_, i) => i / 3), new Float64()),
});

describe('parquet_source from s3://', () => {
  it('reads row groups and a projection by ranged reads, equal to the local file', async () => {
    const local = await s3.fixture('in.parquet', 's3://in/in.parquet', (path) => writeParquetFile(path, table, { rowGroupSize: 7000 }));
    const fromDisk = await read({ file_path: local });
    const fromS3 = await read({ file_path: 's3://in/in.parquet', ...s3.options });
    expect(fromS3.ctx.globals.get('row_groups')).toBe(5);
    expect(rowsText(fromS3.outputs.data)).toBe(rowsText(fromDisk.outputs.data));
    const projected = await read({ file_path: 's3://in/in.parquet', columns: ['score', 'id'], ...s3.options });
    expect(projected.outputs.data.schema.names).toEqual(['score', 'id']);
    expect(rowsText(projected.outputs.data)).toBe(rowsText(fromDisk.outputs.data.select(['score', 'id'])));
  }, 120_000);

  it('throws the object-storage error, not a decoding error, for refused credentials', async () => {
    await expect(read({ file_path: 's3://in/in.parquet', ...s3.options, s3_access_key_id: 'NOT-A-KEY' })).rejects.toThrow(/refused the credentials|denied access/);
    await expect(read({ file_path: 's3://in/missing.parquet', ...s3.options })).rejects.toThrow('no such object');
  }, 120_000);
});
