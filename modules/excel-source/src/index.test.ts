import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { ModuleError } from '@pypeline/sdk';
import { outputSchemasOf, runModule } from '@pypeline/sdk/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import excelSource from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'excel-source-'));
const book = join(dir, 'book.xlsx');

const read = (config: Config) => runModule(excelSource, { config, manifest: MANIFEST, moduleId: 'xl' });
const rows = (table: { toArray(): { toJSON(): Record<string, unknown> }[] }) => table.toArray().map((r) => r.toJSON());

beforeAll(async () => {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Notes').getCell('A1').value = 'nothing to see';
  const ws = wb.addWorksheet('Orders');
  ws.addRow(['id', 'when', 'paid', 'name', 'total', 'ratio']);
  ws.addRow([1, new Date(Date.UTC(2024, 0, 31, 8, 30)), true, 'alpha', { formula: 'A2*10', result: 10 }, { formula: '1/0', result: { error: '#DIV/0!' } }]);
  ws.addRow([2, new Date(Date.UTC(2024, 1, 29)), false, { richText: [{ text: 'be' }, { font: { bold: true }, text: 'ta' }] }, { formula: 'A3*10', result: 20 }, 0.5]);
  ws.addRow([]);
  ws.addRow([3, null, null, { formula: 'UPPER("g")', result: 'G' }, { formula: 'A5*10', result: 30 }, { error: '#N/A' }]);
  const framed = wb.addWorksheet('Framed');
  framed.getCell('A1').value = 'title, not data';
  framed.getCell('C3').value = 'code';
  framed.getCell('D3').value = 'qty';
  framed.getCell('C4').value = '007';
  framed.getCell('D4').value = 5;
  framed.getCell('C5').value = '042';
  framed.getCell('D5').value = 7;
  framed.getCell('C6').value = 'outside the range';
  framed.getCell('G4').value = 'right of the range';
  await wb.xlsx.writeFile(book);
});

describe('excel_source', () => {
  it('marks file_path a path for settings.allowed_root', () => {
    expect(JSON.parse(readFileSync(MANIFEST, 'utf8')).json_schema.properties.file_path.format).toBe('path');
  });

  it('reads a sheet by name with types from the cells: numbers, dates, booleans, text, rich text, formula results; errors as null', async () => {
    const { outputs, ctx } = await read({ file_path: book, sheet: 'Orders' });
    const data = outputs.data;
    expect(data.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Float64', 'when:Timestamp<MILLISECOND, UTC>', 'paid:Bool', 'name:Utf8', 'total:Float64', 'ratio:Float64']);
    expect(rows(data)).toEqual([
      { id: 1, when: Date.UTC(2024, 0, 31, 8, 30), paid: true, name: 'alpha', total: 10, ratio: null },
      { id: 2, when: Date.UTC(2024, 1, 29), paid: false, name: 'beta', total: 20, ratio: 0.5 },
      { id: 3, when: null, paid: null, name: 'G', total: 30, ratio: null },
    ]);
    expect(ctx.globals.get('row_count')).toBe(3);
    expect(ctx.globals.get('error_cell_count')).toBe(2);
    expect(ctx.globals.get('sheet')).toBe('Orders');
    expect(ctx.logs.some((l) => l.level === 'warn' && l.msg.includes('2 error cells'))).toBe(true);
  });

  it('takes a sheet by position, keeps empty rows when asked, and overrides types', async () => {
    const { outputs } = await read({ file_path: book, sheet: 2, skip_empty_rows: false, columns: { id: 'int64', when: 'date', name: 'utf8' } });
    expect(outputs.data.schema.fields.map((f) => `${f.name}:${f.type}`).slice(0, 2)).toEqual(['id:Int64', 'when:Date32<DAY>']);
    expect(rows(outputs.data).map((r) => [r.id, r.when])).toEqual([[1n, Date.UTC(2024, 0, 31)], [2n, Date.UTC(2024, 1, 29)], [null, null], [3n, null]]);
  });

  it('reads a range, with its first row as the header, and text that looks like numbers stays text', async () => {
    const { outputs } = await read({ file_path: book, sheet: 'Framed', range: 'C3:D5' });
    expect(outputs.data.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['code:Utf8', 'qty:Float64']);
    expect(rows(outputs.data)).toEqual([{ code: '007', qty: 5 }, { code: '042', qty: 7 }]);
  });

  it('names columns column_1.. without a header, and reads an open-ended range', async () => {
    const { outputs } = await read({ file_path: book, sheet: 'Framed', range: 'C4:D', header: false });
    expect(rows(outputs.data)).toEqual([{ column_1: '007', column_2: 5 }, { column_1: '042', column_2: 7 }, { column_1: 'outside the range', column_2: null }]);
  });

  it('fails on a cell that does not fit its column, naming the cell and the fix', async () => {
    const failed = read({ file_path: book, sheet: 'Framed', range: 'C4:D', header: false, columns: { column_1: 'int64' } });
    await expect(failed).rejects.toThrow(/sheet "Framed", cell C6: the text "outside the range" does not fit column "column_1" \(C\), whose type int64 was set in columns/);
  });

  it('names the sheets when the sheet is not there, by name or position', async () => {
    await expect(read({ file_path: book, sheet: 'Order' })).rejects.toThrow(/has no sheet "Order"; its sheets are 1: "Notes", 2: "Orders", 3: "Framed"/);
    await expect(read({ file_path: book, sheet: 9 })).rejects.toThrow(/has no sheet 9 \(by position\); its sheets are 1: "Notes"/);
    await expect(read({ file_path: book, sheet: 9 })).rejects.toMatchObject({ hint: 'set sheet to one of these names, or to a position from 1 to 3' });
  });

  it('says a missing or unreadable file is one, without retrying', async () => {
    const missing = read({ file_path: join(dir, 'nope.xlsx') });
    await expect(missing).rejects.toThrow(ModuleError);
    await expect(missing).rejects.toThrow(/nope.xlsx does not exist/);
    await expect(missing).rejects.toMatchObject({ retryable: false });
    const text = join(dir, 'not-a-workbook.xlsx');
    writeFileSync(text, 'id,name\n1,a\n');
    await expect(read({ file_path: text })).rejects.toThrow(/cannot read .*not-a-workbook.xlsx as an Excel workbook \(.xlsx\): it is not a zip archive, which every .xlsx file is, or its end is missing$/);
    await expect(excelSource.check!({ config: { file_path: join(dir, 'nope.xlsx') }, signal: new AbortController().signal })).rejects.toThrow(/does not exist/);
  });

  it('lists every config problem at once, before reading, as pype validate shows them', async () => {
    const result = await outputSchemasOf(excelSource, { file_path: book, sheet: 0, range: 'F1:B3', sample_rows: -1, batch_size: 0 });
    expect(result.problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'sheet: sheet 0 is not a sheet position',
      'range: range "F1:B3" ends at a column left of where it starts',
      'sample_rows: sample_rows must be a whole number of at least 0, got -1',
      'batch_size: batch_size must be a whole number of at least 1, got 0',
    ]);
    await expect(read({ file_path: book, sheet: 0, range: 'nonsense' })).rejects.toThrow(/sheet: sheet 0 is not a sheet position; range: range "nonsense" is not in A1 notation/);
    const unknown = await outputSchemasOf(excelSource, { file_path: book, sheet: 'Orders', columns: { idd: 'int64' } });
    expect(unknown.problems?.map((p) => p.message)).toEqual(['columns names "idd", which the sheet does not have']);
  });

  it('gives the schema before the run from the header and the sample', async () => {
    const result = await outputSchemasOf(excelSource, { file_path: book, sheet: 'Framed', range: 'C3:D' });
    const schema = result.outputs?.data as { fields: { name: string; type: unknown }[] };
    expect(schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['code:Utf8', 'qty:Float64']);
  });
});
