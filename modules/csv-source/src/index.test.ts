import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/module-testing';
import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import csvSource from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

function csvFile(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'csv-source-')), 'in.csv');
  writeFileSync(path, content);
  return path;
}

async function read(config: Config) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'src' });
  const outputs = (await csvSource.run({}, ctx)) as ModuleOutputs;
  return { table: outputs.data as Table, ctx };
}

function rows(table: Table): Record<string, unknown>[] {
  return table.toArray().map((row) => row.toJSON());
}

function types(table: Table): string[] {
  return table.schema.fields.map((f) => `${f.name}:${f.type}`);
}

async function failure(config: Config): Promise<ModuleError> {
  const error = await read(config).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleError);
  return error as ModuleError;
}

describe('csv_source', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const defaults = Object.fromEntries(Object.entries(manifest.config_schema.optional).map(([k, v]) => [k, (v as { default: unknown }).default]));
    expect(defaults).toEqual(DEFAULTS);
  });

  it('infers column types, reads empty fields as null and sets globals', async () => {
    const path = csvFile('id,big,price,ok,day,name\n1,1,1.5,true,2024-01-31,ada\n2,9007199254740993,,false,,\n,3,-2,,1970-01-01,"b, c"\n');
    const { table, ctx } = await read({ file_path: path });
    expect(types(table)).toEqual(['id:Int32', 'big:Int64', 'price:Float64', 'ok:Bool', 'day:Date32<DAY>', 'name:Utf8']);
    expect(table.getChild('big')!.get(1)).toBe(9007199254740993n);
    expect(table.getChild('day')!.get(0)).toBe(Date.UTC(2024, 0, 31));
    expect(rows(table).map((r) => [r.id, r.price, r.ok, r.name])).toEqual([
      [1, 1.5, true, 'ada'],
      [2, null, false, null],
      [null, -2, null, 'b, c'],
    ]);
    expect(ctx.globals.get('row_count')).toBe(3);
    expect(ctx.globals.get('file_size')).toBe(statSync(path).size);
  });

  it('follows RFC 4180: BOM, CRLF, escaped quotes and line breaks inside quotes', async () => {
    const path = csvFile('\uFEFFa,b\r\n"say ""hi""","two\r\nlines"\r\nx,y\r\n');
    const { table } = await read({ file_path: path });
    expect(table.schema.names).toEqual(['a', 'b']);
    expect(rows(table)).toEqual([{ a: 'say "hi"', b: 'two\r\nlines' }, { a: 'x', b: 'y' }]);
  });

  it('reads latin1, a custom delimiter and quote, and files without a header', async () => {
    const path = csvFile(Buffer.from("caf\xe9;'1;2'\n", 'latin1'));
    const { table } = await read({ file_path: path, encoding: 'latin1', delimiter: ';', quote: "'", header: false });
    expect(rows(table)).toEqual([{ column_1: 'café', column_2: '1;2' }]);
  });

  it('returns an empty table for a header-only file', async () => {
    const { table, ctx } = await read({ file_path: csvFile('a,b\n') });
    expect(table.numRows).toBe(0);
    expect(types(table)).toEqual(['a:Utf8', 'b:Utf8']);
    expect(ctx.globals.get('row_count')).toBe(0);
  });

  it('names the file, line and column when a value does not fit the inferred type', async () => {
    const path = csvFile('id,n\n1,2\n2,3\n3,x\n');
    const error = await failure({ file_path: path, sample_rows: 2 });
    expect(error.message).toBe(`${path}: line 4, column "n" (2): value "x" is not a 32-bit integer, the type inferred for the column from the first 2 rows`);
    expect(error.retryable).toBe(false);
    expect(error.hint).toContain('sample_rows to 0');
    const { table } = await read({ file_path: path, sample_rows: 0 });
    expect(types(table)).toEqual(['id:Int32', 'n:Utf8']);
  });

  it('reports a missing file by path', async () => {
    const error = await failure({ file_path: '/no/such/file.csv' });
    expect(error.message).toBe('CSV file /no/such/file.csv does not exist');
    expect(error.retryable).toBe(false);
  });

  it('reports a malformed row with its line', async () => {
    const error = await failure({ file_path: csvFile('a,b\n1,2\n3\n') });
    expect(error.message).toMatch(/cannot parse CSV at line 3/);
    expect(error.hint).toContain('delimiter');
  });

  it('refuses a header that names a column twice', async () => {
    const error = await failure({ file_path: csvFile('a,b,a\n1,2,3\n') });
    expect(error.message).toContain('names column "a" twice (columns 1 and 3)');
  });

  it('stops when the run is aborted', async () => {
    const ctx = createTestContext<Config>({ config: { file_path: csvFile('a\n1\n') }, manifest: MANIFEST });
    ctx.abort(new Error('timeout'));
    await expect(csvSource.run({}, ctx)).rejects.toThrow('timeout');
  });
});
