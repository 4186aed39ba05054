/** The cells a read covers: 1-based, inclusive; an open end is Infinity (rows) or decided by the data (columns). */
export interface SheetRange {
  firstCol?: number;
  lastCol?: number;
  firstRow: number;
  lastRow: number;
}

/** Excel's limits: columns A..XFD, rows 1..1048576. */
export const MAX_COLUMNS = 16_384;
export const MAX_ROWS = 1_048_576;

const A1_RANGE = /^([A-Z]{1,3})(\d+)?:([A-Z]{1,3})(\d+)?$/i;

/** Column number of letters: A = 1, Z = 26, AA = 27. */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Letters of a column number: 1 = A, 27 = AA. */
export function columnLetters(n: number): string {
  let letters = '';
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26)) letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

/** `B3` for column 2, row 3. */
export function cellAddress(col: number, row: number): string {
  return `${columnLetters(col)}${row}`;
}

/** The range `text` names, or the reason it is not one (for a config problem). */
export function parseRange(text: string | undefined): SheetRange | string {
  if (text === undefined) return { firstRow: 1, lastRow: Infinity };
  const m = A1_RANGE.exec(text.trim());
  if (!m) return `range ${JSON.stringify(text)} is not in A1 notation`;
  const firstCol = columnNumber(m[1]);
  const lastCol = columnNumber(m[3]);
  const firstRow = m[2] === undefined ? 1 : Number(m[2]);
  const lastRow = m[4] === undefined ? Infinity : Number(m[4]);
  if (m[2] === undefined && m[4] !== undefined) return `range ${JSON.stringify(text)} gives an end row without a start row`;
  if (lastCol > MAX_COLUMNS || firstCol > MAX_COLUMNS) return `range ${JSON.stringify(text)} goes past column XFD, Excel's last`;
  if (firstRow < 1 || (lastRow !== Infinity && lastRow > MAX_ROWS) || firstRow > MAX_ROWS) return `range ${JSON.stringify(text)} has a row outside 1..${MAX_ROWS}`;
  if (firstCol > lastCol) return `range ${JSON.stringify(text)} ends at a column left of where it starts`;
  if (firstRow > lastRow) return `range ${JSON.stringify(text)} ends at a row above where it starts`;
  return { firstCol, lastCol, firstRow, lastRow };
}
