import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { runModule } from '@pypeline/sdk/testing';
import { rowsText, useLocalS3 } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import excelSource from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

const s3 = useLocalS3(['in']);

const read = (config: Config) => runModule(excelSource, { config, manifest: MANIFEST, moduleId: 'src' });

describe('excel_source from s3://', () => {
  it('streams a sheet of an object as it reads the same file', async () => {
    const local = await s3.fixture('in.xlsx', 's3://in/book.xlsx', async (path) => {
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('First').addRow(['skip me']);
      const ws = wb.addWorksheet('Orders');
      ws.addRow(['id', 'when', 'paid', 'name']);
      for (let i = 0; i < 3000; i++) ws.addRow([i, new Date(Date.UTC(2024, 0, 1 + (i % 300))), i % 2 === 0, `name ${i}`]);
      await wb.xlsx.writeFile(path);
    });
    const fromDisk = await read({ file_path: local, sheet: 'Orders' });
    const fromS3 = await read({ file_path: 's3://in/book.xlsx', sheet: 'Orders', ...s3.options });
    expect(fromS3.outputs.data.numRows).toBe(3000);
    expect(fromS3.ctx.globals.get('sheet')).toBe('Orders');
    expect(rowsText(fromS3.outputs.data)).toBe(rowsText(fromDisk.outputs.data));
  }, 120_000);

  it('names the missing key', async () => {
    await expect(read({ file_path: 's3://in/nope.xlsx', ...s3.options })).rejects.toThrow('cannot read s3://in/nope.xlsx: no such object');
  }, 120_000);
});
