import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { openInput, type InputFile, type S3Options } from '@pypeline/object-store';
import { isObjectUrl, ModuleError } from '@pypeline/sdk';
import { cellValue, type CellValue, type RawCell } from './cell-value.js';

/** One row of the sheet: its number and its cells by column number (1 = A); holes are empty. */
export interface SheetRow {
  number: number;
  cells: CellValue[];
}

/** The rows of the chosen sheet, in order, read as the zip streams in. */
export interface OpenSheet {
  /** The sheet's name in the workbook. */
  name: string;
  /** Whether serial dates count from 1904 (old Mac workbooks) rather than 1900. */
  date1904: boolean;
  rows: AsyncGenerator<SheetRow>;
}

interface ReaderModel {
  model?: { sheets?: { name: string }[] };
  properties?: { model?: { date1904?: boolean } };
  stream?: { destroy(): void };
}

interface StreamedRow {
  number: number;
  eachCell(callback: (cell: RawCell, col: number) => void): void;
}

/** Which sheet a config names, as the user wrote it. */
export function sheetLabel(sheet: string | number): string {
  return typeof sheet === 'number' ? `sheet ${sheet} (by position)` : `sheet ${JSON.stringify(sheet)}`;
}

/**
 * Opens `path` (a local file, or an s3:// object streamed by one GET) and streams the rows of `sheet` (a name, or a 1-based position in the workbook).
 * Sheets before it are skipped unread; the file is closed when the rows are read or the reader
 * stops early. A sheet that is not there is an error listing the workbook's sheets.
 */
export async function openSheet(path: string, sheet: string | number, s3: S3Options, signal: AbortSignal): Promise<OpenSheet> {
  for (let read = 1; ; read++) {
    try {
      return await openSheetOnce(path, sheet, s3, signal);
    } catch (error) {
      if (!(error instanceof LostWorkbookPart)) throw error;
      if (read === READS) throw unreadable(path, error.cause);
    }
  }
}

/**
 * exceljs's streaming reader now and then loses the workbook part (xl/workbook.xml) of a file it
 * reads well the next time: a race in its stream handling (seen in about 1 run in 6 of this
 * module's tests, on a workbook exceljs itself wrote), after which it fails on the first sheet.
 * A read that fails before the workbook part was read is started again, up to READS times,
 * before the file is called unreadable.
 */
const READS = 3;

class LostWorkbookPart extends Error {}

async function openSheetOnce(path: string, sheet: string | number, s3: S3Options, signal: AbortSignal): Promise<OpenSheet> {
  const file = (await openWorkbook(path, s3, signal)).stream();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const state = reader as unknown as ReaderModel;
  const worksheets = reader[Symbol.asyncIterator]();
  const close = async () => {
    file.destroy();
    await worksheets.return?.(undefined).catch(() => {});
  };
  try {
    for (;;) {
      signal.throwIfAborted();
      const next = await worksheets.next();
      if (next.done) break;
      const names = (state.model?.sheets ?? []).map((s) => s.name);
      const wanted = typeof sheet === 'number' ? names[sheet - 1] : names.find((n) => n === sheet);
      if (wanted === undefined && names.length > 0) throw sheetNotFound(path, sheet, names);
      const worksheet = next.value as unknown as { name: string } & AsyncIterable<StreamedRow>;
      if (worksheet.name !== wanted) continue;
      const date1904 = Boolean(state.properties?.model?.date1904);
      return { name: wanted, date1904, rows: sheetRows(worksheet, date1904, signal, close) };
    }
  } catch (error) {
    await close();
    if (error instanceof ModuleError || signal.aborted) throw error;
    if (!state.model) throw new LostWorkbookPart('the workbook part was not read', { cause: error });
    throw unreadable(path, error);
  }
  await close();
  throw sheetNotFound(path, sheet, (state.model?.sheets ?? []).map((s) => s.name));
}

async function* sheetRows(worksheet: AsyncIterable<StreamedRow>, date1904: boolean, signal: AbortSignal, close: () => Promise<void>): AsyncGenerator<SheetRow> {
  try {
    for await (const row of worksheet) {
      signal.throwIfAborted();
      const cells: CellValue[] = [];
      row.eachCell((cell, col) => {
        cells[col] = cellValue(cell, date1904);
      });
      yield { number: row.number, cells };
    }
  } finally {
    await close();
  }
}

async function openWorkbook(path: string, s3: S3Options, signal: AbortSignal): Promise<InputFile> {
  if (isObjectUrl(path)) return openInput(path, s3, signal);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ModuleError(`Excel file ${path} ${error.code === 'ENOENT' ? 'does not exist' : `cannot be read: ${error.message}`}`, {
      retryable: false,
      hint: 'check file_path (relative paths are resolved from the folder pype runs in) and the context values in it',
      cause: error,
    });
  });
  if (!info.isFile()) throw new ModuleError(`${path} is not a file`, { retryable: false, hint: 'point file_path at an .xlsx workbook, not a folder' });
  return openInput(path, s3, signal);
}

function sheetNotFound(path: string, sheet: string | number, names: string[]): ModuleError {
  const list = names.length ? names.map((n, i) => `${i + 1}: ${JSON.stringify(n)}`).join(', ') : 'none';
  return new ModuleError(`${path} has no ${sheetLabel(sheet)}; its sheets are ${list}`, {
    retryable: false,
    hint: names.length ? `set sheet to one of these names, or to a position from 1 to ${names.length}` : 'check that the file is the workbook you meant',
  });
}

function unreadable(path: string, error: unknown): ModuleError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ModuleError(`cannot read ${path} as an Excel workbook (.xlsx): ${reason}`, {
    retryable: false,
    hint: 'excel_source reads .xlsx files (Office Open XML); save a .xls or .ods file as .xlsx first, and check the file is not damaged',
    cause: error,
  });
}
