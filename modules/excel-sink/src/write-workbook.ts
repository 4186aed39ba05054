import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Data, RecordBatch, Schema } from 'apache-arrow';
import { dataGetter, ModuleError, type AtomicFile } from '@pypeline/sdk';
import { cellWriter, shownWidth, type CellWriter } from './cell-writers.js';
import type { ResolvedConfig } from './config.js';
import { MAX_ROWS, SplitSheetNames } from './sheet-names.js';

/** What the write did, for the globals and the log. */
export interface WrittenWorkbook {
  rows: number;
  sheets: string[];
  /** Column name → values written as text because a number would lose digits. */
  asText: Record<string, number>;
}

type Sheet = { writer: ExcelJS.Worksheet; rows: number };

/**
 * Streams record batches into an .xlsx workbook written to `file`: one sheet, or one per value of
 * split_by. Each row is committed as it is added, so a sheet's rows are not held in memory.
 * WARNING: with split_by, exceljs zips sheets one after another, so the rows of every sheet but
 * the first are buffered (as compressed-ready XML) until the workbook is committed.
 */
export async function writeWorkbook(file: AtomicFile, schema: Schema, batches: AsyncIterable<RecordBatch>, config: ResolvedConfig, signal: AbortSignal): Promise<WrittenWorkbook> {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      file.write(chunk).then(() => done(), done);
    },
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const writers = schema.fields.map(cellWriter);
  const split = config.split_by === undefined ? -1 : schema.names.indexOf(config.split_by);
  const names = new SplitSheetNames();
  const getSplit = dataGetter();
  const sheets = new Map<string, Sheet>();
  let widths: number[] | undefined;
  let rows = 0;
  const sheetFor = (name: string): Sheet => {
    let sheet = sheets.get(name);
    if (!sheet) {
      sheet = { writer: addSheet(workbook, name, schema, writers, widths!, config), rows: config.header ? 1 : 0 };
      sheets.set(name, sheet);
    }
    return sheet;
  };
  for await (const batch of batches) {
    signal.throwIfAborted();
    const columns = batch.data.children as Data[];
    widths ??= columnWidths(schema, columns, batch.numRows, config);
    for (let i = 0; i < batch.numRows; i++) {
      const sheet = sheetFor(split < 0 ? config.sheet_name : names.nameFor(columns[split].getValid(i) ? getSplit(columns[split], i) : null));
      if (++sheet.rows > MAX_ROWS) throw tooManyRows(sheet.writer.name, config);
      sheet.writer.addRow(writers.map((w, c) => w.value(columns[c], i))).commit();
    }
    rows += batch.numRows;
  }
  // An empty input still makes a workbook: one sheet with the header.
  if (sheets.size === 0) {
    widths ??= columnWidths(schema, [], 0, config);
    sheetFor(config.sheet_name);
  }
  for (const sheet of sheets.values()) sheet.writer.commit();
  await workbook.commit();
  const asText: Record<string, number> = {};
  writers.forEach((w, c) => {
    if (w.asText > 0) asText[schema.fields[c].name] = w.asText;
  });
  return { rows, sheets: [...sheets.keys()], asText };
}

function addSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, schema: Schema, writers: CellWriter[], widths: number[], config: ResolvedConfig): ExcelJS.Worksheet {
  const frozen = config.header && config.freeze_header;
  const sheet = workbook.addWorksheet(name, frozen ? { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] } : {});
  sheet.columns = schema.fields.map((f, c) => ({ key: f.name, width: widths[c], style: writers[c].numFmt ? { numFmt: writers[c].numFmt } : {} }));
  if (config.header) {
    const row = sheet.addRow(schema.names as string[]);
    row.eachCell((cell) => {
      // The header is text whatever its column's number format.
      cell.style = config.bold_header ? { font: { bold: true } } : {};
    });
    row.commit();
  }
  return sheet;
}

/** Widths in characters: column_widths, else the longer of the header and the first batch's values, from 8 to 60. */
function columnWidths(schema: Schema, columns: Data[], numRows: number, config: ResolvedConfig): number[] {
  return schema.fields.map((field, c) => {
    const set = config.column_widths[field.name];
    if (set !== undefined) return set;
    let widest = config.header ? field.name.length : 0;
    // A writer of its own: the run's writers count the values they write as text.
    const writer = cellWriter(field);
    for (let i = 0; i < Math.min(numRows, 100); i++) widest = Math.max(widest, shownWidth(writer.value(columns[c], i), writer.numFmt));
    return Math.min(60, Math.max(8, widest + 2));
  });
}

function tooManyRows(sheet: string, config: ResolvedConfig): ModuleError {
  return new ModuleError(`excel_sink: sheet ${JSON.stringify(sheet)} would have more than ${MAX_ROWS.toLocaleString('en')} rows, Excel's limit (nothing was written)`, {
    retryable: false,
    hint: config.split_by === undefined ? 'set split_by to spread the rows over several sheets, filter or aggregate them first, or write CSV or Parquet' : 'split by a column with more values, filter or aggregate the rows first, or write CSV or Parquet',
  });
}
