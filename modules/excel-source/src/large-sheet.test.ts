import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import ExcelJS from 'exceljs';
import type { RecordBatch } from 'apache-arrow';
import { createTestContext } from '@pypeline/sdk/testing';
import { beforeAll, expect, it } from 'vitest';
import excelSource from './index.js';
import type { Config } from './config.js';

// A 200,000-row sheet is read a batch at a time: the heap grows by far less than the sheet's
// rows would take held at once, and every row arrives in order. No timing is asserted.
//
// What is measured is the heap still reachable after a full collection, every few batches: the
// heap in use between collections also counts garbage not yet collected, which on a busy
// machine (V8 marks on helper threads that then get little CPU) grows by as much as the
// reader allocates, and says nothing about what the reader holds.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const ROWS = 200_000;
const path = join(mkdtempSync(join(tmpdir(), 'excel-large-')), 'large.xlsx');

beforeAll(async () => {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet('big');
  ws.addRow(['id', 'name', 'amount', 'at']).commit();
  for (let i = 1; i <= ROWS; i++) ws.addRow([i, `customer number ${i} with a longer name`, i / 4, new Date(Date.UTC(2020, 0, 1) + i * 60_000)]).commit();
  ws.commit();
  await wb.commit();
}, 300_000);

it('streams a 200k-row sheet in batches with bounded memory', async () => {
  const ctx = createTestContext<Config>({ config: { file_path: path, batch_size: 5000, sample_rows: 1000 }, manifest: MANIFEST, moduleId: 'big' });
  const out = (await excelSource.run({}, ctx)) as { data: AsyncIterable<RecordBatch> };
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let rows = 0;
  let batches = 0;
  let sum = 0;
  for await (const batch of out.data) {
    const ids = batch.getChild('id')!;
    for (let i = 0; i < batch.numRows; i++) sum += ids.get(i) as number;
    expect(ids.get(0)).toBe(rows + 1);
    rows += batch.numRows;
    batches++;
    if (batches % 4 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
  }
  expect(rows).toBe(ROWS);
  expect(sum).toBe((ROWS * (ROWS + 1)) / 2);
  expect(batches).toBe(ROWS / 5000);
  expect(ctx.globals.get('row_count')).toBe(ROWS);
  // Read whole (exceljs Workbook.xlsx.readFile), this sheet holds about 350 MiB of heap after GC.
  console.log(`largest heap held while streaming (after a full collection): ${(peak / 2 ** 20).toFixed(0)} MiB`);
  expect(peak).toBeLessThan(50 * 2 ** 20);
}, 600_000);
