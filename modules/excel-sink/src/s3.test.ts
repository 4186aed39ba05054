import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describeS3Sink } from '@pypeline/test-services';
import { expect } from 'vitest';
import sink from './index.js';

describeS3Sink({
  module: sink,
  manifest: fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url)),
  ext: 'xlsx',
  // The zip carries creation times, so the sheets are compared, not the bytes.
  async same(object, localPath) {
    const fromS3 = new ExcelJS.Workbook();
    await fromS3.xlsx.load(object as unknown as ArrayBuffer);
    const fromDisk = new ExcelJS.Workbook();
    await fromDisk.xlsx.readFile(localPath);
    expect(fromS3.worksheets[0].getSheetValues()).toEqual(fromDisk.worksheets[0].getSheetValues());
    expect(fromS3.worksheets[0].rowCount).toBe(5001);
  },
});
