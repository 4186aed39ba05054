import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { Bool, DateDay, Decimal, Field, Float64, Int32, Int64, List, Schema, Table, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError } from '@pypeline/sdk';
import { createTestContext, outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import excelSink from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const outFile = () => join(mkdtempSync(join(tmpdir(), 'excel-sink-')), 'a', 'out.xlsx');

const table = new Table({
  id: vectorFromArray([1, 2, 3], new Int32()),
  big: vectorFromArray([9007199254740993n, -5n, null], new Int64()),
  score: vectorFromArray([0.5, null, Number.NaN], new Float64()),
  ok: vectorFromArray([true, false, null], new Bool()),
  day: vectorFromArray([new Date(Date.UTC(2024, 1, 29)), null, new Date(Date.UTC(1999, 11, 31))], new DateDay()),
  at: vectorFromArray([Date.UTC(2024, 0, 31, 8, 30, 15, 250), null, Date.UTC(1970, 0, 1)], new TimestampMicrosecond()),
  region: vectorFromArray(['north', 'south', 'north'], new Utf8()),
});

async function write(config: Config, data: Table = table) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'out' });
  await excelSink.run({ input: new MemoryArtifact(data) }, ctx);
  return ctx;
}

async function load(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

const values = (sheet: ExcelJS.Worksheet) => sheet.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));

describe('excel_sink', () => {
  it('marks output_path a path for settings.allowed_root', () => {
    expect(JSON.parse(readFileSync(MANIFEST, 'utf8')).json_schema.properties.output_path.format).toBe('path');
  });

  it('writes native cells: numbers, booleans, dates and timestamps with formats, 64-bit integers past 2^53 as text with a note', async () => {
    const path = outFile();
    const ctx = await write({ output_path: path });
    const sheet = (await load(path)).getWorksheet('Sheet1')!;
    expect(values(sheet)).toEqual([
      ['id', 'big', 'score', 'ok', 'day', 'at', 'region'],
      [1, '9007199254740993', 0.5, true, new Date(Date.UTC(2024, 1, 29)), new Date(Date.UTC(2024, 0, 31, 8, 30, 15, 250)), 'north'],
      [2, -5, undefined, false, undefined, undefined, 'south'],
      [3, undefined, 'NaN', undefined, new Date(Date.UTC(1999, 11, 31)), new Date(0), 'north'],
    ]);
    expect(sheet.getCell('E2').numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getCell('F2').numFmt).toBe('yyyy-mm-dd hh:mm:ss.000');
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(7).width).toBe(8);
    expect(ctx.globals.get('row_count')).toBe(3);
    expect(ctx.globals.get('sheet_count')).toBe(1);
    expect(ctx.logs.some((l) => l.level === 'warn' && l.msg.includes('column big: 1 values written as text'))).toBe(true);
    expect(readdirSync(join(path, '..'))).toEqual(['out.xlsx']);
  });

  it('writes one sheet per value of split_by, a plain header without freezing, and set widths', async () => {
    const path = outFile();
    const ctx = await write({ output_path: path, split_by: 'region', bold_header: false, freeze_header: false, column_widths: { region: 30 } });
    const wb = await load(path);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['north', 'south']);
    expect(values(wb.getWorksheet('north')!).map((r) => r[0])).toEqual(['id', 1, 3]);
    expect(values(wb.getWorksheet('south')!).map((r) => r[0])).toEqual(['id', 2]);
    expect(wb.getWorksheet('north')!.getCell('A1').font?.bold).toBeFalsy();
    expect(wb.getWorksheet('north')!.views?.[0]?.state ?? 'normal').toBe('normal');
    expect(wb.getWorksheet('north')!.getColumn(7).width).toBe(30);
    expect(ctx.globals.get('sheet_count')).toBe(2);
  });

  it('writes decimals as numbers up to 15 digits and as exact text beyond', async () => {
    const path = outFile();
    const small = new Decimal(2, 10, 128);
    const wide = new Decimal(4, 30, 128);
    const words = (n: bigint) => new Uint32Array(new BigInt64Array([n, n < 0n ? -1n : 0n]).buffer);
    const data = new Table({ d: vectorFromArray([words(12345n)], small), w: vectorFromArray([words(12345678901234567890n)], wide) });
    await write({ output_path: path, header: false }, data);
    const sheet = (await load(path)).worksheets[0];
    expect(values(sheet)).toEqual([[123.45, '1234567890123456.7890']]);
    expect(sheet.getCell('A1').numFmt).toBe('0.00');
  });

  it('lists every problem at once and leaves the old file when it refuses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'excel-sink-'));
    const old = join(dir, 'old.xlsx');
    writeFileSync(old, 'before');
    const nested = new Table({ id: vectorFromArray([1], new Int32()), tags: vectorFromArray([['a']], new List(new Field('item', new Utf8(), true))) });
    const failed = write({ output_path: old, sheet_name: 'a/b', column_widths: { id: 0, nope: 10 } }, nested);
    await expect(failed).rejects.toThrow(ModuleError);
    await expect(failed).rejects.toThrow(/sheet_name: sheet_name "a\/b" holds a character Excel refuses.*column_widths.id: column_widths.id must be a width from 1 to 255.*column_widths.nope: column_widths names "nope".*cannot write nested columns: tags/);
    expect(readFileSync(old, 'utf8')).toBe('before');
    expect(readdirSync(dir)).toEqual(['old.xlsx']);

    const input = new Schema([new Field('id', new Int32(), true)]);
    const result = await outputSchemasOf(excelSink, { output_path: 'x.xlsx', split_by: 'region', sheet_name: 'x'.repeat(40) }, { input });
    // sheet_name does not matter with split_by; split_by must name a column.
    expect(result.problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual(['split_by: split_by names "region", which is not an input column']);
  });

  it('leaves nothing half-written when cancelled', async () => {
    const path = outFile();
    await write({ output_path: path }, table.slice(0, 0));
    expect(values((await load(path)).worksheets[0])).toEqual([['id', 'big', 'score', 'ok', 'day', 'at', 'region']]);
    const before = readFileSync(path);
    const ctx = createTestContext<Config>({ config: { output_path: path }, manifest: MANIFEST, moduleId: 'out' });
    ctx.abort(new Error('cancelled'));
    await expect(excelSink.run({ input: new MemoryArtifact(table) }, ctx)).rejects.toThrow();
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(join(path, '..'))).toEqual(['out.xlsx']);
  });

  it('checks the output folder is writable without writing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'excel-sink-'));
    await expect(excelSink.check!({ config: { output_path: join(dir, 'new', 'x.xlsx') }, signal: new AbortController().signal })).resolves.toContain('will be created');
    await expect(excelSink.check!({ config: { output_path: dir }, signal: new AbortController().signal })).rejects.toThrow(/output_path .* is a folder/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
