import { readFileSync, readdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Field, Float64, Int32, Int64, List, Schema, Struct, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError } from '@pypeline/sdk';
import { createTestContext, outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import csvSink from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

const table = new Table({
  id: vectorFromArray([1, 2, 3, 4], new Int32()),
  big: vectorFromArray([9007199254740993n, -1n, null, 2n ** 62n], new Int64()),
  score: vectorFromArray([0.5, null, 27, Number.NaN], new Float64()),
  name: vectorFromArray(['plain', '', null, 'a,"b"\nc'], new Utf8()),
});

async function write(config: Config, data: Table = table) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'out' });
  await csvSink.run({ input: new MemoryArtifact(data) }, ctx);
  return ctx;
}

const outFile = () => join(mkdtempSync(join(tmpdir(), 'csv-sink-')), 'a', 'out.csv');

describe('csv_sink', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const optional = JSON.parse(readFileSync(MANIFEST, 'utf8')).config_schema.optional;
    for (const [key, value] of Object.entries(DEFAULTS)) expect(optional[key].default, key).toEqual(value);
  });

  it('writes a header and rows, quoting only what needs it, nulls apart from empty strings; sets globals', async () => {
    const path = outFile();
    const ctx = await write({ output_path: path });
    expect(readFileSync(path, 'utf8')).toBe('id,big,score,name\n1,9007199254740993,0.5,plain\n2,-1,,""\n3,,27.0,\n4,4611686018427387904,nan,"a,""b""\nc"\n');
    expect(ctx.globals.get('row_count')).toBe(4);
    expect(ctx.globals.get('output_path')).toBe(path);
    expect(readdirSync(join(path, '..'))).toEqual(['out.csv']);
  });

  it('takes a delimiter, quote, quoting all, null text, CRLF, a BOM and no header', async () => {
    const path = outFile();
    await write({ output_path: path, delimiter: ';', quote: "'", quoting: 'all', null_string: 'NULL', line_ending: 'crlf', bom: true, header: false });
    expect(readFileSync(path, 'utf8')).toBe("\uFEFF'1';'9007199254740993';'0.5';'plain'\r\n'2';'-1';NULL;''\r\n'3';NULL;'27.0';NULL\r\n'4';'4611686018427387904';'nan';'a,\"b\"\nc'\r\n");
  });

  it('quotes a value equal to null_string so it stays text', async () => {
    const path = outFile();
    await write({ output_path: path, null_string: 'NA' }, new Table({ s: vectorFromArray(['NA', null, ' x'], new Utf8()) }));
    expect(readFileSync(path, 'utf8')).toBe('s\n"NA"\nNA\n" x"\n');
  });

  it('refuses nested columns and bad options, every problem at once, and leaves the old file', async () => {
    const path = outFile();
    const nested = new Table({
      id: vectorFromArray([1], new Int32()),
      tags: vectorFromArray([['a']], new List(new Field('item', new Utf8(), true))),
      point: vectorFromArray([{ x: 1 }], new Struct([new Field('x', new Int32(), true)])),
    });
    const failed = write({ output_path: path, delimiter: '||', quote: '||' }, nested);
    await expect(failed).rejects.toThrow(ModuleError);
    await expect(failed).rejects.toThrow(/delimiter must be one character, got "\|\|".*quote must be one character.*quote and delimiter are both "\|\|".*cannot write nested columns: tags \(List<Utf8>\), point \(Struct<\{x:Int32\}>\)/);
    await expect(failed).rejects.toMatchObject({ hint: expect.stringContaining('json_sink or parquet_sink') });

    const old = join(mkdtempSync(join(tmpdir(), 'csv-sink-')), 'old.csv');
    writeFileSync(old, 'before\n');
    await expect(write({ output_path: old }, nested)).rejects.toThrow(/nested columns/);
    expect(readFileSync(old, 'utf8')).toBe('before\n');
    expect(readdirSync(join(old, '..'))).toEqual(['old.csv']);
  });

  it('writes only the header for an empty input, and nothing half-written when cancelled', async () => {
    const path = outFile();
    await write({ output_path: path }, table.slice(0, 0));
    expect(readFileSync(path, 'utf8')).toBe('id,big,score,name\n');

    const ctx = createTestContext<Config>({ config: { output_path: path }, manifest: MANIFEST, moduleId: 'out' });
    ctx.abort(new Error('cancelled'));
    await expect(csvSink.run({ input: new MemoryArtifact(table) }, ctx)).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('id,big,score,name\n');
    expect(readdirSync(join(path, '..'))).toEqual(['out.csv']);
  });

  it('checks the output folder is writable without writing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-sink-'));
    await expect(csvSink.check!({ config: { output_path: join(dir, 'new', 'x.csv') }, signal: new AbortController().signal })).resolves.toContain('will be created');
    await expect(csvSink.check!({ config: { output_path: dir }, signal: new AbortController().signal })).rejects.toThrow(/output_path .* is a folder/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports bad options and nested input columns before the run, as pype validate shows them', async () => {
    const input = new Schema([new Field('id', new Int32(), true), new Field('tags', new List(new Field('item', new Utf8(), true)), true)]);
    const result = await outputSchemasOf(csvSink, { output_path: 'x.csv', delimiter: '"' }, { input });
    expect(result.problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'quote: quote and delimiter are both "\\""',
      'output_path: csv_sink cannot write nested columns: tags (List<Utf8>)',
    ]);
    expect((await outputSchemasOf(csvSink, { output_path: 'x.csv' }, { input: undefined })).problems).toEqual([]);
  });
});
