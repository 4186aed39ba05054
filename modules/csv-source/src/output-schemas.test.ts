import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schema } from 'apache-arrow';
import { outputSchemasOf, runModule } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import csv from './index.js';

describe('csv_source outputSchemas', () => {
  it('gives the schema the run produces, from the header and the sample, without parsing the rows', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'csv-schema-')), 'in.csv');
    writeFileSync(file, 'id,name,score,day\n1,a,2.5,2024-01-02\n2,b,,2024-01-03\n');
    const r = await outputSchemasOf(csv, { file_path: file });
    const run = await runModule(csv, { config: { file_path: file, on_error: 'reject' } });
    const data = r.outputs?.data as Schema;
    expect(data.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['id:Int64', 'name:Utf8', 'score:Float64', 'day:Date32<DAY>']);
    expect(data.fields.map((f) => String(f.type))).toEqual(run.outputs.data.schema.fields.map((f) => String(f.type)));
  });

  it('honours declared column types and fails like the run for a missing file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'csv-schema-')), 'in.csv');
    writeFileSync(file, 'id,code\n1,007\n');
    const r = await outputSchemasOf(csv, { file_path: file, schema: { code: 'utf8' } });
    expect((r.outputs?.data as Schema).fields.map((f) => String(f.type))).toEqual(['Int64', 'Utf8']);
    await expect(outputSchemasOf(csv, { file_path: `${file}.missing` })).rejects.toThrow(/does not exist/);
  });
});
