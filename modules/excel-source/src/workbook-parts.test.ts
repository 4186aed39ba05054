import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { createTestContext, outputSchemasOf, runModule } from '@pypeline/sdk/testing';
import type { RecordBatch } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import excelSource from './index.js';
import type { Config } from './config.js';

// The zip is read through its central directory, part by part in the order the reader needs
// them, whatever order the file stores them in and whatever the parts are called.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'excel-parts-'));
const book = join(dir, 'book.xlsx');
const ROWS = 20_000;

const read = (config: Config) => runModule(excelSource, { config, manifest: MANIFEST, moduleId: 'xl' });
const rows = (table: { toArray(): { toJSON(): Record<string, unknown> }[] }) => table.toArray().map((r) => JSON.stringify(r.toJSON()));

beforeAll(async () => {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Notes').addRow(['nothing to see']);
  const ws = wb.addWorksheet('Orders');
  ws.addRow(['id', 'name', 'when']);
  for (let i = 1; i <= ROWS; i++) ws.addRow([i, `name ${i % 97}`, new Date(Date.UTC(2024, 0, 1 + (i % 365)))]);
  wb.addWorksheet('After').addRow(['x']);
  // Numbers that do not compress (text would go to the shared strings): a sheet part far larger
  // than the buffers between the file and the reader, so a reader that stops early leaves the
  // file open unless it is closed.
  const noise = wb.addWorksheet('Noise');
  noise.addRow(['a', 'b', 'c', 'd']);
  for (let i = 0; i < ROWS; i++) noise.addRow([Math.random(), Math.random(), Math.random(), Math.random()]);
  await wb.xlsx.writeFile(book);
}, 120_000);

/** The file's entries in the order it stores them. */
async function entryOrder(path: string): Promise<string[]> {
  return Object.values((await JSZip.loadAsync(readFileSync(path))).files)
    .filter((f) => !f.dir)
    .map((f) => f.name);
}

/** A copy of the workbook with its parts renamed (and the references to them rewritten), stored in `order`. */
async function rewritten(name: string, renames: Record<string, string>, texts: Record<string, [string, string][]>, first: string[]): Promise<string> {
  const source = await JSZip.loadAsync(readFileSync(book));
  const parts = new Map<string, Uint8Array | string>();
  for (const [path, file] of Object.entries(source.files)) {
    if (file.dir) continue;
    let content: Uint8Array | string = await file.async('uint8array');
    for (const [from, to] of texts[path] ?? []) {
      const text: string = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
      expect(text).toContain(from);
      content = text.replaceAll(from, to);
    }
    parts.set(renames[path] ?? path, content);
  }
  const out = new JSZip();
  const order = [...first, ...[...parts.keys()].filter((p) => !first.includes(p))];
  for (const path of order) out.file(path, parts.get(path)!, { compression: 'DEFLATE' });
  const path = join(dir, name);
  writeFileSync(path, await out.generateAsync({ type: 'nodebuffer' }));
  return path;
}

describe('excel_source reads the parts it needs, in the order it needs them', () => {
  it('reads a workbook whose workbook part is stored after its sheets, every time, also many at once', async () => {
    const order = await entryOrder(book);
    expect(order.indexOf('xl/workbook.xml')).toBeGreaterThan(order.indexOf('xl/worksheets/sheet2.xml'));
    const expected = rows((await read({ file_path: book, sheet: 'Orders' })).outputs.data);
    expect(expected).toHaveLength(ROWS);
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => read({ file_path: book, sheet: i % 2 === 0 ? 'Orders' : 2 })));
      for (const { outputs, ctx } of results) {
        expect(ctx.globals.get('sheet')).toBe('Orders');
        expect(rows(outputs.data)).toEqual(expected);
      }
    }
  }, 300_000);

  it('finds the parts through the package relationships: a renamed workbook part, absolute targets, a sheet part without a number, any stored order', async () => {
    const expected = rows((await read({ file_path: book, sheet: 'Orders' })).outputs.data);
    const moved = await rewritten(
      'moved.xlsx',
      { 'xl/workbook.xml': 'xl/main.xml', 'xl/_rels/workbook.xml.rels': 'xl/_rels/main.xml.rels', 'xl/worksheets/sheet2.xml': 'xl/worksheets/orders.xml' },
      {
        '_rels/.rels': [['Target="xl/workbook.xml"', 'Target="/xl/main.xml"']],
        'xl/_rels/workbook.xml.rels': [['Target="worksheets/sheet2.xml"', 'Target="/xl/worksheets/orders.xml"']],
        '[Content_Types].xml': [
          ['/xl/workbook.xml', '/xl/main.xml'],
          ['/xl/worksheets/sheet2.xml', '/xl/worksheets/orders.xml'],
        ],
      },
      ['xl/worksheets/orders.xml', 'xl/worksheets/sheet1.xml'],
    );
    const order = await entryOrder(moved);
    expect(order[0]).toBe('xl/worksheets/orders.xml');
    expect(order).not.toContain('xl/workbook.xml');
    for (const sheet of ['Orders', 2] as const) {
      const { outputs, ctx } = await read({ file_path: moved, sheet });
      expect(ctx.globals.get('sheet')).toBe('Orders');
      expect(rows(outputs.data)).toEqual(expected);
    }
    await expect(read({ file_path: moved, sheet: 'Order' })).rejects.toThrow(/has no sheet "Order"; its sheets are 1: "Notes", 2: "Orders", 3: "After", 4: "Noise"/);
  }, 120_000);

  it('reads a workbook another producer wrote (openpyxl: inline strings, no shared strings, sheets before the workbook part)', async () => {
    const file = fileURLToPath(new URL('../test-data/openpyxl.xlsx', import.meta.url));
    const order = await entryOrder(file);
    expect(order).not.toContain('xl/sharedStrings.xml');
    expect(order.indexOf('xl/worksheets/sheet2.xml')).toBeLessThan(order.indexOf('xl/workbook.xml'));
    const { outputs, ctx } = await read({ file_path: file, sheet: 'Data' });
    expect(outputs.data.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Float64', 'name:Utf8', 'when:Timestamp<MILLISECOND, UTC>', 'ok:Bool', 'amount:Float64']);
    const got = outputs.data.toArray().map((r) => r.toJSON());
    expect(got).toHaveLength(200);
    expect(got).toEqual(
      Array.from({ length: 200 }, (_, k) => {
        const i = k + 1;
        return { id: i, name: i % 50 === 0 ? null : `name ${i % 13} “ü” 日本`, when: Date.UTC(2024, 0, 1) + i * 3_600_000, ok: i % 2 === 0, amount: i / 8 };
      }),
    );
    expect(ctx.globals.get('row_count')).toBe(200);
    expect((await read({ file_path: file, sheet: 1, header: false })).outputs.data.toArray().map((r) => r.toJSON())).toEqual([{ column_1: 'written by openpyxl, not exceljs' }]);
  }, 60_000);

  it('names a sheet whose part is missing, and a zip without a workbook part, as unreadable', async () => {
    const noSheet = await rewritten('no-sheet.xlsx', { 'xl/worksheets/sheet2.xml': 'xl/elsewhere/sheet2.xml' }, {}, []);
    await expect(read({ file_path: noSheet, sheet: 'Orders' })).rejects.toThrow(/cannot read .*no-sheet.xlsx as an Excel workbook \(.xlsx\): the workbook names sheet "Orders", but its part xl\/worksheets\/sheet2.xml is not in the file/);
    const zip = new JSZip();
    zip.file('hello.txt', 'not a workbook');
    const plain = join(dir, 'plain.zip.xlsx');
    writeFileSync(plain, await zip.generateAsync({ type: 'nodebuffer' }));
    await expect(read({ file_path: plain })).rejects.toThrow(/cannot read .*plain.zip.xlsx as an Excel workbook \(.xlsx\): it has no workbook part \(xl\/workbook.xml\)/);
  }, 60_000);

  it('keeps a hostile relationship target inside the archive: nothing is read from the disk', async () => {
    const hostile = await rewritten('hostile.xlsx', {}, { 'xl/_rels/workbook.xml.rels': [['Target="worksheets/sheet2.xml"', `Target="../../../..${book}"`]] }, []);
    await expect(read({ file_path: hostile, sheet: 'Orders' })).rejects.toThrow(/the workbook names sheet "Orders", but its part .*book\.xlsx is not in the file/);
    const absolute = await rewritten('absolute.xlsx', {}, { 'xl/_rels/workbook.xml.rels': [['Target="worksheets/sheet2.xml"', 'Target="/etc/passwd"']] }, []);
    await expect(read({ file_path: absolute, sheet: 'Orders' })).rejects.toThrow(/but its part etc\/passwd is not in the file/);
  }, 60_000);

  it('closes the file when only the sample is read, or the run stops early', async () => {
    const open = () => readdirSync('/proc/self/fd').length;
    await outputSchemasOf(excelSource, { file_path: book, sheet: 'Noise', sample_rows: 5 });
    const before = open();
    for (let i = 0; i < 25; i++) {
      const result = await outputSchemasOf(excelSource, { file_path: book, sheet: 'Noise', sample_rows: 5 });
      expect(result.problems ?? []).toEqual([]);
      await expect(read({ file_path: book, sheet: 'Noise', columns: { nope: 'int64' } })).rejects.toThrow(/columns names "nope"/);
    }
    // Streams closed by destroy() release their descriptors on a later tick.
    for (let wait = 0; wait < 50 && open() > before + 3; wait++) await new Promise((r) => setTimeout(r, 20));
    expect(open()).toBeLessThanOrEqual(before + 3);
  }, 120_000);

  it('stops on an abort mid-sheet with the abort, not with a short sheet, and closes the file', async () => {
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let round = 0; round < 5; round++) {
      const ctx = createTestContext<Config>({ config: { file_path: book, sheet: 'Noise', batch_size: 500, sample_rows: 10 }, manifest: MANIFEST, moduleId: 'xl' });
      const out = (await excelSource.run({}, ctx)) as { data: AsyncIterable<RecordBatch> };
      let rows = 0;
      const reading = (async () => {
        for await (const batch of out.data) {
          rows += batch.numRows;
          if (rows >= 1000) ctx.abort(new Error('stopped by the test'));
        }
      })();
      await expect(reading).rejects.toThrow('stopped by the test');
      expect(rows).toBeLessThan(ROWS);
      expect(ctx.globals.get('row_count')).toBeUndefined();
    }
    for (let wait = 0; wait < 50 && open() > before + 3; wait++) await new Promise((r) => setTimeout(r, 20));
    expect(open()).toBeLessThanOrEqual(before + 3);
  }, 120_000);
});
