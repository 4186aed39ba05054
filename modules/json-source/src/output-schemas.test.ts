import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schema } from 'apache-arrow';
import { outputSchemasOf, runModule } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import jsonSource from './index.js';

describe('json_source outputSchemas', () => {
  it('chooses the columns and types from the sample with the run\'s reader', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'json-schema-')), 'in.jsonl');
    writeFileSync(file, '{"id":1,"name":"a","ok":true}\n{"id":2,"score":2.5}\n{"id":3,"late":"x"}\n');
    const r = await outputSchemasOf(jsonSource, { file_path: file, sample_rows: 2 });
    const run = await runModule(jsonSource, { config: { file_path: file, sample_rows: 2 } });
    const names = (s: Schema) => s.fields.map((f) => `${f.name}:${String(f.type)}`);
    expect(names(r.outputs?.data as Schema)).toEqual(['id:Int64', 'name:Utf8', 'ok:Bool', 'score:Float64']);
    expect(names(r.outputs?.data as Schema)).toEqual(names(run.outputs.data.schema));
  });

  it('fails like the run for a missing file', async () => {
    await expect(outputSchemasOf(jsonSource, { file_path: '/no/such/file.json' })).rejects.toThrow('JSON file /no/such/file.json does not exist');
  });
});
