import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int32, Table, Utf8, vectorFromArray, type Schema } from 'apache-arrow';
import { writeParquetFile } from '@pypeline/parquet';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import parquetSource from './index.js';

describe('parquet_source outputSchemas', () => {
  it('reads the schema from the file, with the column projection', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parquet-schema-')), 'in.parquet');
    await writeParquetFile(file, new Table({ id: vectorFromArray([1, 2], new Int32()), name: vectorFromArray(['a', 'b'], new Utf8()), score: vectorFromArray([1.5, 2], new Float64()) }));
    const all = await outputSchemasOf(parquetSource, { file_path: file });
    expect((all.outputs?.data as Schema).names).toEqual(['id', 'name', 'score']);
    const some = await outputSchemasOf(parquetSource, { file_path: file, columns: ['score', 'id'] });
    expect((some.outputs?.data as Schema).fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['score:Float64', 'id:Int32']);
    await expect(outputSchemasOf(parquetSource, { file_path: `${file}.missing` })).rejects.toThrow(/does not exist/);
  });
});
