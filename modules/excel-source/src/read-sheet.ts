import { makeBuilder, makeData, RecordBatch, Schema, Field, Struct, type Builder } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';
import { ERROR, type CellValue } from './cell-value.js';
import { arrowType, converter, inferType, type Convert } from './column-types.js';
import type { ExcelColumnType, ResolvedConfig } from './config.js';
import { openSheet, type OpenSheet, type SheetRow } from './open-sheet.js';
import { cellAddress, columnLetters, type SheetRange } from './sheet-range.js';

/** What a read found besides the rows, for the globals and the log. */
export interface SheetStats {
  rows: number;
  /** Error cells (#N/A, #DIV/0!, ...) read as null. */
  errorCells: number;
  /** Cells right of the last column, left out (only without a range). */
  ignoredCells: number;
}

/** A sheet ready to stream: its name, its Arrow schema, and its batches (read once). */
export interface SheetTable {
  sheet: string;
  schema: Schema;
  batches: AsyncGenerator<RecordBatch>;
  stats: SheetStats;
  /** Stops reading and closes the file, whether or not the batches were read. */
  close(): Promise<void>;
}

interface Column {
  name: string;
  /** Column number in the sheet (1 = A). */
  col: number;
  type: ExcelColumnType;
  origin: 'read from the cells' | 'set in columns';
}

/**
 * Opens the sheet, settles the columns (names from the header row, types from up to
 * sample_rows rows, overridden by `columns`) and returns the schema before any batch is built:
 * outputSchemas stops there, a run reads on.
 */
export async function readSheet(path: string, config: ResolvedConfig, range: SheetRange, signal: AbortSignal): Promise<SheetTable> {
  const opened = await openSheet(path, config.sheet, config, signal);
  const rows = rowsInRange(opened.rows, range);
  const stats: SheetStats = { rows: 0, errorCells: 0, ignoredCells: 0 };
  try {
    let header: SheetRow | undefined;
    if (config.header) {
      for (;;) {
        const next = await rows.next();
        if (next.done) break;
        if (!isEmpty(next.value, range.firstCol ?? 1, range.lastCol ?? Infinity)) {
          header = next.value;
          break;
        }
      }
    }
    const sample: SheetRow[] = [];
    const limit = config.sample_rows === 0 ? Infinity : config.sample_rows;
    while (sample.length < limit) {
      const next = await rows.next();
      if (next.done) break;
      sample.push(next.value);
    }
    const span = columnSpan(range, header, sample);
    const columns = settleColumns(path, opened.name, span, header, sample, config.columns);
    const schema = new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), true)));
    const firstDataRow = header ? header.number + 1 : range.firstRow;
    const batches = buildBatches(path, opened.name, columns, schema, sample, rows, { ...config, firstDataRow, span, date1904: opened.date1904 }, stats, signal);
    return { sheet: opened.name, schema, batches, stats, close: () => closeAll(rows, opened) };
  } catch (error) {
    await closeAll(rows, opened);
    throw error;
  }
}

/** Ends the row stream and closes the file, also when no row was asked for (a generator never started runs no `finally`). */
async function closeAll(rows: AsyncGenerator<SheetRow>, opened: OpenSheet): Promise<void> {
  await rows.return(undefined);
  await opened.close();
}

/** The rows from the range's first row to its last, stopping (and closing the file) after the last. */
async function* rowsInRange(rows: AsyncGenerator<SheetRow>, range: SheetRange): AsyncGenerator<SheetRow> {
  try {
    for await (const row of rows) {
      if (row.number < range.firstRow) continue;
      if (row.number > range.lastRow) break;
      yield row;
    }
  } finally {
    await rows.return(undefined);
  }
}

function isEmpty(row: SheetRow, first: number, last: number): boolean {
  for (let c = first; c <= Math.min(last, row.cells.length - 1); c++) if (row.cells[c] !== undefined && row.cells[c] !== null) return false;
  return true;
}

/** The columns read: the range's; else the header row's first to last non-empty cell; else the sample's. */
function columnSpan(range: SheetRange, header: SheetRow | undefined, sample: SheetRow[]): { first: number; last: number } {
  if (range.firstCol !== undefined && range.lastCol !== undefined) return { first: range.firstCol, last: range.lastCol };
  let first = Infinity;
  let last = 0;
  for (const row of header ? [header] : sample) {
    row.cells.forEach((cell, c) => {
      if (cell === null || cell === undefined) return;
      first = Math.min(first, c);
      last = Math.max(last, c);
    });
  }
  return last === 0 ? { first: 1, last: 0 } : { first, last };
}

function settleColumns(path: string, sheet: string, span: { first: number; last: number }, header: SheetRow | undefined, sample: SheetRow[], overrides: Record<string, ExcelColumnType>): Column[] {
  const columns: Column[] = [];
  const seen = new Map<string, number>();
  for (let col = span.first; col <= span.last; col++) {
    const cell = header?.cells[col];
    const text = cell === undefined || cell === null || cell === ERROR ? '' : cell instanceof Date ? cell.toISOString() : String(cell).trim();
    const name = text === '' ? `column_${col - span.first + 1}` : text;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new ModuleError(`${path}, sheet ${JSON.stringify(sheet)}: the header names two columns ${JSON.stringify(name)} (${cellAddress(earlier, header!.number)} and ${cellAddress(col, header!.number)})`, {
        retryable: false,
        hint: 'rename one of them in the workbook, or set range to leave one out',
      });
    }
    seen.set(name, col);
    const override = overrides[name];
    const type = override ?? inferType(sample.map((row) => row.cells[col] ?? null));
    columns.push({ name, col, type, origin: override ? 'set in columns' : 'read from the cells' });
  }
  if (columns.length === 0) {
    throw new ModuleError(`${path}, sheet ${JSON.stringify(sheet)} has no cells to read${header ? '' : ' in the sampled rows'}`, {
      retryable: false,
      hint: 'check sheet and range; a sheet whose data starts further down needs range, e.g. "A5:H"',
    });
  }
  return columns;
}

interface BatchOptions {
  batch_size: number;
  skip_empty_rows: boolean;
  firstDataRow: number;
  span: { first: number; last: number };
  range?: string;
  date1904: boolean;
}

async function* buildBatches(
  path: string,
  sheet: string,
  columns: Column[],
  schema: Schema,
  sample: SheetRow[],
  rest: AsyncGenerator<SheetRow>,
  options: BatchOptions & { sheet: string | number },
  stats: SheetStats,
  signal: AbortSignal,
): AsyncGenerator<RecordBatch> {
  const convert: Convert[] = columns.map((c) => converter(c.type, options.date1904));
  let builders = columns.map((c, i) => makeBuilder({ type: schema.fields[i].type, nullValues: [null] }) as Builder);
  let pending = 0;
  let expected = options.firstDataRow;
  const flush = (): RecordBatch => {
    const children = builders.map((b) => b.finish().flush());
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: pending, nullCount: 0, children }));
    builders = columns.map((_, i) => makeBuilder({ type: schema.fields[i].type, nullValues: [null] }) as Builder);
    stats.rows += pending;
    pending = 0;
    return batch;
  };
  const append = (row: SheetRow | undefined) => {
    columns.forEach((column, i) => {
      const cell: CellValue | undefined = row?.cells[column.col];
      if (cell === undefined || cell === null) return void builders[i].append(null);
      if (cell === ERROR) {
        stats.errorCells++;
        return void builders[i].append(null);
      }
      const value = convert[i](cell);
      if (value === undefined) throw mismatch(path, sheet, row!.number, column, cell);
      builders[i].append(value);
    });
    pending++;
  };
  async function* all(): AsyncGenerator<SheetRow> {
    yield* sample;
    yield* rest;
  }
  try {
    for await (const row of all()) {
      signal.throwIfAborted();
      if (options.range === undefined) for (let c = options.span.last + 1; c < row.cells.length; c++) if (row.cells[c] !== undefined && row.cells[c] !== null) stats.ignoredCells++;
      if (isEmpty(row, options.span.first, options.span.last)) {
        if (options.skip_empty_rows) continue;
      }
      // Rows the sheet leaves out entirely are empty rows too.
      if (!options.skip_empty_rows) for (; expected < row.number; expected++) {
        append(undefined);
        if (pending >= options.batch_size) yield flush();
      }
      expected = row.number + 1;
      append(row);
      if (pending >= options.batch_size) yield flush();
    }
    if (pending > 0 || stats.rows === 0) yield flush();
  } finally {
    await rest.return(undefined);
  }
}

function mismatch(path: string, sheet: string, rowNumber: number, column: Column, cell: Exclude<CellValue, null | typeof ERROR>): ModuleError {
  const shown = cell instanceof Date ? `the date ${cell.toISOString()}` : typeof cell === 'string' ? `the text ${JSON.stringify(cell.length > 60 ? `${cell.slice(0, 60)}…` : cell)}` : `the ${typeof cell} ${String(cell)}`;
  const fix = column.origin === 'set in columns'
    ? `change columns.${column.name} (utf8 takes any cell), or fix the cell`
    : `set its type, e.g. columns: { ${JSON.stringify(column.name)}: utf8 }, or set sample_rows: 0 so every row is read before types are chosen, or fix the cell`;
  return new ModuleError(`${path}, sheet ${JSON.stringify(sheet)}, cell ${cellAddress(column.col, rowNumber)}: ${shown} does not fit column ${JSON.stringify(column.name)} (${columnLetters(column.col)}), whose type ${column.type} was ${column.origin}`, { retryable: false, hint: fix });
}
