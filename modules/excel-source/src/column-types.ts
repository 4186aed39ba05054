import { Bool, DateDay, Float64, Int32, Int64, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import { parseBoolean, parseInt64, parseNumber, parseTime } from '@pypeline/sdk';
import { ERROR, serialToDate, type CellValue } from './cell-value.js';
import type { ExcelColumnType } from './config.js';

const DAY_MS = 86_400_000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The Arrow type of a column type (timestamps as csv_source and json_source read them). */
export function arrowType(type: ExcelColumnType): DataType {
  switch (type) {
    case 'utf8': return new Utf8();
    case 'float64': return new Float64();
    case 'int64': return new Int64();
    case 'int32': return new Int32();
    case 'boolean': return new Bool();
    case 'date': return new DateDay();
    case 'timestamp': return new TimestampMillisecond('UTC');
  }
}

/**
 * The type a column's sampled cells call for: all numbers float64 (Excel keeps every number as
 * a double), all booleans boolean, all dates timestamp, anything else (text, or a mix) utf8.
 * A column with no value in the sample is utf8.
 */
export function inferType(cells: Iterable<CellValue>): ExcelColumnType {
  let found: ExcelColumnType | undefined;
  for (const cell of cells) {
    if (cell === null || cell === ERROR) continue;
    const type: ExcelColumnType = typeof cell === 'number' ? 'float64' : typeof cell === 'boolean' ? 'boolean' : cell instanceof Date ? 'timestamp' : 'utf8';
    if (found === undefined) found = type;
    else if (found !== type) return 'utf8';
  }
  return found ?? 'utf8';
}

/** A value its column's Arrow builder takes, or undefined when the cell does not fit the type. */
export type Convert = (cell: Exclude<CellValue, null | typeof ERROR>) => unknown;

/**
 * How a cell becomes a value of `type`: text columns take any cell (numbers as JavaScript
 * prints them, dates ISO 8601, booleans true/false); other types take their own kind, text
 * that reads as one (the sdk's parsers: the same text means the same value in every module),
 * and for dates and timestamps a plain number as an Excel serial date.
 */
export function converter(type: ExcelColumnType, date1904: boolean): Convert {
  switch (type) {
    case 'utf8':
      return (cell) => (cell instanceof Date ? cell.toISOString() : String(cell));
    case 'float64':
      return (cell) => (typeof cell === 'number' ? cell : typeof cell === 'string' ? (parseNumber(cell) ?? undefined) : undefined);
    case 'int64':
      return (cell) => (typeof cell === 'number' ? (Number.isSafeInteger(cell) ? BigInt(cell) : undefined) : typeof cell === 'string' ? (parseInt64(cell) ?? undefined) : undefined);
    case 'int32':
      return (cell) => {
        const n = typeof cell === 'number' ? cell : typeof cell === 'string' ? parseNumber(cell) : null;
        return n !== null && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
      };
    case 'boolean':
      return (cell) => (typeof cell === 'boolean' ? cell : cell === 0 || cell === 1 ? cell === 1 : typeof cell === 'string' ? (parseBoolean(cell) ?? undefined) : undefined);
    case 'timestamp':
      return (cell) => timeMs(cell, date1904);
    case 'date':
      return (cell) => {
        const ms = timeMs(cell, date1904);
        // DateDay's builder takes epoch milliseconds and keeps whole days; a time of day is cut.
        return ms === undefined ? undefined : Math.floor(ms / DAY_MS) * DAY_MS;
      };
  }
}

function timeMs(cell: Exclude<CellValue, null | typeof ERROR>, date1904: boolean): number | undefined {
  if (cell instanceof Date) return cell.getTime();
  if (typeof cell === 'string') return parseTime(cell) ?? undefined;
  if (typeof cell === 'number') return serialToDate(cell, date1904).getTime();
  return undefined;
}
