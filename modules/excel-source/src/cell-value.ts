import { createRequire } from 'node:module';

/** A cell's value as excel_source reads it: formulas by their cached result, rich text as its text. */
export type CellValue = number | string | boolean | Date | null | typeof ERROR;

/** An error cell (#N/A, #DIV/0!, ...) or a formula whose cached result is one: read as null and counted. */
export const ERROR: unique symbol = Symbol('excel error cell');

// exceljs decides whether a number format shows a date with this; the reader uses it for plain
// cells, and excel_source for formula results, so both read a date the same way.
const { isDateFmt, excelToDate } = createRequire(import.meta.url)('exceljs/lib/utils/utils.js') as {
  isDateFmt(format: string | undefined): boolean;
  excelToDate(serial: number, date1904?: boolean): Date;
};

/** The instant an Excel serial date stands for (days since 1899-12-30, or 1904-01-01 in a 1904 workbook), as exceljs reads it. */
export const serialToDate = excelToDate;

/** What exceljs's streaming reader puts in `cell.value`, and the cell's number format. */
export interface RawCell {
  value: unknown;
  numFmt?: string;
}

/**
 * A cell's value: plain values as they are ('' as empty), rich text joined, a formula's cached
 * result (a number shown as a date becomes a date), errors as ERROR; so is a formula without a
 * cached result (an error result, or a workbook saved without calculating), whose value is unknown.
 */
export function cellValue(cell: RawCell, date1904: boolean): CellValue {
  const value = cell.value;
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isNaN(value) ? ERROR : value;
  if (typeof value === 'string' || typeof value === 'boolean' || value instanceof Date) return value;
  const object = value as { richText?: { text: string | null }[]; formula?: string; result?: unknown; error?: string; text?: unknown };
  if (object.richText) return object.richText.map((run) => run.text ?? '').join('');
  if (object.error !== undefined) return ERROR;
  if (object.formula !== undefined || 'result' in object) {
    const result = object.result;
    // The reader parses every cached result as a number unless its type is str, and drops the
    // NaN an error result parses to: no result is an error or a formula never calculated.
    if (result === undefined || result === null) return ERROR;
    if (typeof result === 'number') return Number.isNaN(result) ? ERROR : isDateFmt(cell.numFmt) ? excelToDate(result, date1904) : result;
    return cellValue({ value: result }, date1904);
  }
  if (object.text !== undefined) return cellValue({ value: object.text }, date1904);
  return String(value);
}
