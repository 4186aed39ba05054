import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import jsonSource from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

function file(content: string, name = 'in.json'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'json-source-')), name);
  writeFileSync(path, content);
  return path;
}

async function read(config: Config) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'src' });
  const table = ((await jsonSource.run({}, ctx)) as ModuleOutputs).data as Table;
  return { table, ctx, rows: table.toArray().map((r) => r.toJSON()), types: table.schema.fields.map((f) => `${f.name}:${f.type}`) };
}

async function failure(config: Config): Promise<ModuleError> {
  const error = await read(config).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleError);
  return error as ModuleError;
}

describe('json_source', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const defaults = Object.fromEntries(Object.entries(manifest.config_schema.optional).map(([k, v]) => [k, (v as { default: unknown }).default]));
    expect(defaults).toEqual(DEFAULTS);
  });

  it('reads JSON Lines, typing columns, arrays as lists and objects as structs', async () => {
    const path = file('{"id": 1, "price": 2, "ok": true, "name": "ann", "tags": ["a"]}\n\n{"id": 2, "price": 2.5, "ok": null, "name": null, "extra": {"x": 1}}\n');
    const { table, types, ctx } = await read({ file_path: path });
    expect(types).toEqual(['id:Int64', 'price:Float64', 'ok:Bool', 'name:Utf8', 'tags:List<Utf8>', 'extra:Struct<{x:Int64}>']);
    expect([...table.getChild('tags')!].map((v) => v && [...v])).toEqual([['a'], null]);
    expect([...table.getChild('extra')!].map((v) => v?.toJSON() ?? null)).toEqual([null, { x: 1n }]);
    expect(ctx.globals.get('row_count')).toBe(2);
    expect(ctx.globals.get('format')).toBe('jsonl');
  });

  it('merges object keys and widens list items; values mixing arrays, objects and scalars stay JSON text', async () => {
    const path = file('{"s": {"a": 1}, "l": [1, null], "m": [1]}\n{"s": {"b": [2.5, 9007199254740993]}, "l": [], "m": {"x": 1}}\n');
    const { table, types } = await read({ file_path: path });
    expect(types).toEqual(['s:Struct<{a:Int64, b:List<Float64>}>', 'l:List<Int64>', 'm:Utf8']);
    expect([...table.getChild('s')!].map((v) => ({ a: v?.a, b: v?.b && [...v.b] }))).toEqual([{ a: 1n, b: null }, { a: null, b: [2.5, 9007199254740992] }]);
    expect([...table.getChild('l')!].map((v) => [...v!])).toEqual([[1n, null], []]);
    expect([...table.getChild('m')!]).toEqual(['[1]', '{"x":1}']);
  });

  it('reads a JSON array, detected from its first character', async () => {
    const { rows, ctx } = await read({ file_path: file('\uFEFF  [{"a": "x"}, {"a": "y", "b": 1}]') });
    expect(rows).toEqual([{ a: 'x', b: null }, { a: 'y', b: 1n }]);
    expect(ctx.globals.get('format')).toBe('array');
  });

  it('mixes of numbers and text become text', async () => {
    const { rows, types } = await read({ file_path: file('{"v": 1}\n{"v": "two"}\n') });
    expect(types).toEqual(['v:Utf8']);
    expect(rows).toEqual([{ v: '1' }, { v: 'two' }]);
  });

  it('names the line and key when a later value does not fit, and warns about late keys', async () => {
    const path = file('{"n": 1}\n{"n": 2}\n{"n": "x", "late": 1}\n');
    const error = await failure({ file_path: path, sample_rows: 2 });
    expect(error.message).toBe(`${path}: line 3, key "n": value "x" is not a 64-bit integer, the type chosen for the column from the first 2 rows (sample_rows: 2)`);
    expect(error.hint).toContain('schema: { "n": utf8 }');
    expect(error.hint).toContain('sample_rows to 0');
    const declared = await read({ file_path: path, sample_rows: 2, schema: { n: 'utf8' } });
    expect(declared.rows.map((r) => r.n)).toEqual(['1', '2', 'x']);
    const ok = await read({ file_path: file('{"n": 1}\n{"n": 2, "late": true}\n'), sample_rows: 1 });
    expect(ok.rows).toEqual([{ n: 1n }, { n: 2n }]);
    expect(ok.ctx.logs.map((l) => l.msg)).toContain('key "late" first appears at line 2, after the rows used to choose columns; it is not read');
  });

  it('types a JSON array from all its rows: a late integer past 32 bits stays Int64, exact past 2^53', async () => {
    const elements = Array.from({ length: 3000 }, (_, i) => `{"id": ${i}, "n": ${i === 2500 ? 2767891499 : i}, "big": ${i === 2999 ? '9007199254740993' : i}}`);
    const { rows, types } = await read({ file_path: file(`[${elements.join(',\n')}]`), sample_rows: 10 });
    expect(types).toEqual(['id:Int64', 'n:Int64', 'big:Int64']);
    expect(rows[2500].n).toBe(2767891499n);
    expect(rows[2999].big).toBe(9007199254740993n);
  });

  it('keeps integers of 16+ digits exact in JSON Lines, widens ints mixed with floats, and reads dates and timestamps', async () => {
    const path = file(
      [
        '{"i": 9223372036854775807, "f": 1, "huge": 1, "d": "2024-01-31", "t": "2024-01-31 08:30:00", "m": "2024-01-31", "nested": {"k": 12345678901234567890}}',
        '{"i": -9223372036854775808, "f": 2.5, "huge": 99999999999999999999, "d": null, "t": "2024-01-31T08:30:00+02:00", "m": "2024-02-01T10:00:00Z", "nested": [1]}',
      ].join('\n'),
    );
    const { rows, types } = await read({ file_path: path });
    expect(types).toEqual(['i:Int64', 'f:Float64', 'huge:Float64', 'd:Date32<DAY>', 't:Timestamp<MILLISECOND, UTC>', 'm:Timestamp<MILLISECOND, UTC>', 'nested:Utf8']);
    expect(rows.map((r) => r.i)).toEqual([9223372036854775807n, -9223372036854775808n]);
    expect(rows.map((r) => r.huge)).toEqual([1, 1e20]);
    expect(rows.map((r) => r.t)).toEqual([Date.UTC(2024, 0, 31, 8, 30), Date.UTC(2024, 0, 31, 6, 30)]);
    expect(rows.map((r) => r.m)).toEqual([Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1, 10)]);
    expect(rows[0].nested).toBe('{"k":12345678901234567890}');
  });

  it('reports bad JSON, non-object rows and missing files', async () => {
    expect((await failure({ file_path: file('{"a": 1}\n{"a": \n') })).message).toMatch(/line 2 is not valid JSON/);
    expect((await failure({ file_path: file('[1, 2]') })).message).toMatch(/element 1 is a number, not an object/);
    expect((await failure({ file_path: file('{"a": 1}'), format: 'array' })).message).toMatch(/holds an object, not an array of objects$/);
    expect((await failure({ file_path: '/no/such.json' })).message).toBe('JSON file /no/such.json does not exist');
  });

  it('gives an empty table for an empty file', async () => {
    const { table } = await read({ file_path: file('') });
    expect(table.numRows).toBe(0);
  });

  it('checks that the file is readable, and names a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, '{"a":1}\n');
    const signal = new AbortController().signal;
    await expect(jsonSource.check!({ config: { file_path: file }, signal })).resolves.toBe(`${file}: readable, 8 B`);
    await expect(jsonSource.check!({ config: { file_path: join(dir, 'nope.jsonl') }, signal })).rejects.toThrow(/file_path ".*nope.jsonl" does not exist/);
  });
});
