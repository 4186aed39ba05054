import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import unzipper, { type File as ZipEntry } from 'unzipper';
import { openInput, type InputFile, type S3Options } from '@pypeline/object-store';
import { isObjectUrl, ModuleError } from '@pypeline/sdk';
import { cellValue, type CellValue, type RawCell } from './cell-value.js';

/** One row of the sheet: its number and its cells by column number (1 = A); holes are empty. */
export interface SheetRow {
  number: number;
  cells: CellValue[];
}

/** The rows of the chosen sheet, in order, inflated and parsed as they are asked for. */
export interface OpenSheet {
  /** The sheet's name in the workbook. */
  name: string;
  /** Whether serial dates count from 1904 (old Mac workbooks) rather than 1900. */
  date1904: boolean;
  rows: AsyncGenerator<SheetRow>;
  /** Closes the file (the rows' end does too): for a reader that stops before it has read a row. */
  close(): Promise<void>;
}

/** The parts of exceljs's streaming reader this module drives: its parsers, one part at a time. */
interface WorkbookParts {
  workbookRels?: Relationship[];
  model?: { sheets?: { name: string; rId: string }[] };
  properties?: { model?: { date1904?: boolean } };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(rows: AsyncIterable<unknown>, sheetNo: string): Generator<{ eventType: string; value: unknown }>;
}

interface Relationship {
  Id: string;
  Type: string;
  Target: string;
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
 * Opens `path` (a local file, or an s3:// object read by ranged GETs) and streams the rows of
 * `sheet` (a name, or a 1-based position in the workbook). A sheet that is not there is an error
 * listing the workbook's sheets; the file is closed when the rows are read or the reader stops.
 *
 * The zip is read through its central directory: the workbook, its relationships, the shared
 * strings and the styles first, then the one sheet, streamed. exceljs's own streaming reader
 * reads the zip front to back and, on a workbook whose xl/workbook.xml comes after its sheets (as
 * exceljs writes them), now and then parses a sheet before the workbook part and fails
 * (exceljs#3064); reading the parts in the order they are needed cannot lose that race, and
 * never spools the sheets before the one wanted to temporary files.
 */
export async function openSheet(path: string, sheet: string | number, s3: S3Options, signal: AbortSignal): Promise<OpenSheet> {
  const input = await openWorkbook(path, s3, signal);
  // Every byte stream the zip reader opens (one per part read), destroyed when the sheet is
  // closed or the run aborted, so no file handle or GET outlives the read.
  const opened = new Set<Readable>();
  const destroyAll = () => {
    for (const stream of opened) stream.destroy();
    opened.clear();
  };
  signal.addEventListener('abort', destroyAll, { once: true });
  const release = async () => {
    signal.removeEventListener('abort', destroyAll);
    destroyAll();
  };
  try {
    const zip = await unzipper.Open.custom({
      size: async () => input.size,
      stream: (offset: number) => {
        const stream = input.stream(offset);
        opened.add(stream);
        stream.once('close', () => opened.delete(stream));
        return stream;
      },
    }).catch((error: unknown) => {
      // A failed read of the object keeps its own words (endpoint and fix); unzipper's
      // (FILE_ENDED, ...) say nothing to someone who opened a CSV.
      if (input.failure) throw input.failure;
      if (error instanceof ModuleError) throw error;
      throw new Error('it is not a zip archive, which every .xlsx file is, or its end is missing');
    });
    const parts = new ZipParts(zip.files);
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), READER_OPTIONS) as unknown as WorkbookParts;
    const workbookPath = await parts.workbookPath(reader);
    await reader._parseWorkbook(parts.open(workbookPath, 'workbook part'));
    await reader._parseRels(parts.open(relsOf(workbookPath), 'relationships file for its workbook part'));
    const rels = reader.workbookRels ?? [];
    const sharedStrings = parts.find(partOf(workbookPath, rels, 'sharedStrings') ?? 'xl/sharedStrings.xml');
    if (sharedStrings) for await (const _ of reader._parseSharedStrings(sharedStrings.stream())) signal.throwIfAborted();
    const styles = parts.find(partOf(workbookPath, rels, 'styles') ?? 'xl/styles.xml');
    if (styles) await reader._parseStyles(styles.stream());
    signal.throwIfAborted();

    const sheets = reader.model?.sheets ?? [];
    const names = sheets.map((s) => s.name);
    const chosen = typeof sheet === 'number' ? sheets[sheet - 1] : sheets.find((s) => s.name === sheet);
    if (!chosen) throw sheetNotFound(path, sheet, names);
    const target = rels.find((r) => r.Id === chosen.rId)?.Target;
    const sheetPath = target === undefined ? undefined : resolveTarget(workbookPath, target);
    const entry = sheetPath === undefined ? undefined : parts.find(sheetPath);
    if (!entry) throw new Error(`the workbook names sheet ${JSON.stringify(chosen.name)}, but its part${sheetPath ? ` ${sheetPath}` : ''} is not in the file`);
    const sheetNo = /(\d+)\.xml$/i.exec(entry.path)?.[1] ?? '1';
    const [emitted] = [...reader._parseWorksheet(entry.stream(), sheetNo)];
    const worksheet = emitted!.value as AsyncIterable<StreamedRow>;
    const date1904 = Boolean(reader.properties?.model?.date1904);
    return { name: chosen.name, date1904, rows: sheetRows(worksheet, date1904, signal, release), close: release };
  } catch (error) {
    await release();
    if (input.failure) throw input.failure;
    if (error instanceof ModuleError || signal.aborted) throw error;
    throw unreadable(path, error);
  }
}

const READER_OPTIONS = { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' } as const;

const OFFICE_DOCUMENT = /\/officeDocument$/;

/** The zip's entries by path, exact or, as Excel itself reads them, regardless of case. */
class ZipParts {
  private readonly byPath = new Map<string, ZipEntry>();
  private readonly byLowerPath = new Map<string, ZipEntry>();

  constructor(entries: ZipEntry[]) {
    for (const entry of entries) {
      this.byPath.set(entry.path, entry);
      this.byLowerPath.set(entry.path.toLowerCase(), entry);
    }
  }

  find(path: string): ZipEntry | undefined {
    return this.byPath.get(path) ?? this.byLowerPath.get(path.toLowerCase());
  }

  open(path: string, what: string): Readable {
    const entry = this.find(path);
    if (!entry) throw new Error(`it has no ${what} (${path})`);
    return entry.stream();
  }

  /** The workbook part named by the package's relationships (_rels/.rels), xl/workbook.xml by default. */
  async workbookPath(reader: WorkbookParts): Promise<string> {
    const root = this.find('_rels/.rels');
    if (!root) return 'xl/workbook.xml';
    await reader._parseRels(root.stream());
    const target = reader.workbookRels?.find((r) => OFFICE_DOCUMENT.test(r.Type))?.Target;
    reader.workbookRels = undefined;
    return target === undefined ? 'xl/workbook.xml' : resolveTarget('', target);
  }
}

/** The path of the part a relationship of `from` targets: absolute from the package root, else relative to `from`'s folder. */
function resolveTarget(from: string, target: string): string {
  if (target.startsWith('/')) return posix.normalize(target.slice(1));
  return posix.normalize(posix.join(posix.dirname(from), target));
}

function relsOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

function partOf(workbookPath: string, rels: Relationship[], type: string): string | undefined {
  const target = rels.find((r) => r.Type.endsWith(`/${type}`))?.Target;
  return target === undefined ? undefined : resolveTarget(workbookPath, target);
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
    // An abort destroys the sheet's stream, which may end the rows quietly: never the sheet's end.
    signal.throwIfAborted();
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
