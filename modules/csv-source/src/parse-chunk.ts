import { ColumnBuilder, type ColumnBuffers } from './column-builder.js';
import { INFERENCE_ORDER, KIND_LABELS, widerKind, type ColumnKind } from './column-kinds.js';
import { findInvalidUtf8, type InvalidUtf8 } from './utf8-check.js';
import { utf8Table, singleByteText, type Charset, type Utf8Table } from './charset.js';
import { readBool, readDate, readFloat64, readInt32, readInt64, readTimestamp } from './parse-fields.js';

const LF = 10;
const CR = 13;

/** How to read the bytes; the same for every chunk of a file. */
export interface CsvDialect {
  delimiter: number;
  quote: number;
  /** Escapes a quote inside a quoted field; equal to `quote` for RFC 4180's doubled quotes. */
  escape: number;
  charset: Charset;
}

export type OnError = 'fail' | 'skip' | 'reject';

/** A record that could not be read, with its line relative to the chunk (1 = the chunk's first line). */
export interface BadRecord {
  line: number;
  /** 0-based column the problem is in; -1 for the record as a whole (wrong field count, bad quoting). */
  column: number;
  reason: string;
  record: string;
  /** For a value that does not fit its column: the kind the column would have to be to hold it too. */
  widen?: ColumnKind;
}

export interface ParseTask {
  bytes: Uint8Array;
  /** Where the first record starts in `bytes` (after a BOM or header). */
  start: number;
  dialect: CsvDialect;
  kinds: ColumnKind[];
  names: string[];
  onError: OnError;
  /** Rows the chunk probably holds, to size buffers once. */
  rowsHint: number;
  /** Expected string bytes per row for each column. */
  bytesPerRow: number[];
  /** Stop after this many rows (a type-inference sample). */
  maxRows?: number;
}

export interface ParsedChunk {
  rows: number;
  /** Line breaks consumed, so the next chunk's line numbers can be found. */
  lines: number;
  columns: ColumnBuffers[];
  /** Rejected or (when onError is fail) the first bad record; skipped ones are only counted. */
  bad: BadRecord[];
  skipped: number;
  /** Offset where parsing stopped: the end of the chunk, or after `maxRows` rows. */
  end: number;
  /** Set (and nothing parsed) when the chunk is not valid UTF-8 and the charset is UTF-8. */
  invalidUtf8?: InvalidUtf8;
}

/**
 * Parses one chunk of whole records straight into column buffers: numbers and dates from bytes,
 * strings as UTF-8 bytes plus offsets, no JS value per cell. RFC 4180 quoting (delimiters,
 * quotes and line breaks inside quotes), LF or CRLF, blank lines skipped, an unquoted empty field
 * is null (a quoted one is an empty string). A quote only opens a field at its start; elsewhere
 * it is text, the same rule the chunk splitter uses to find record boundaries.
 */
export function parseChunk(task: ParseTask): ParsedChunk {
  const { bytes: b, dialect, kinds, onError } = task;
  const end = b.length;
  const n = kinds.length;
  // Text columns copy bytes as they are; bytes that are not UTF-8 would only fail later, in
  // whichever module reads the column, so the file is refused here with the place.
  const invalidUtf8 = dialect.charset !== 'utf-8' ? null : findInvalidUtf8(b, task.start, end);
  if (invalidUtf8) return { rows: 0, lines: 0, columns: [], bad: [], skipped: 0, end: task.start, invalidUtf8 };
  const cols = kinds.map((k, i) => new ColumnBuilder(k, task.rowsHint, task.bytesPerRow[i] ?? 8));
  const codes = Int32Array.from(kinds, (k) => CODE[k]);
  const D = dialect.delimiter;
  const Q = dialect.quote;
  const E = dialect.escape;
  const table = utf8Table(dialect.charset);
  const maxRows = task.maxRows ?? Infinity;
  const bad: BadRecord[] = [];
  let skipped = 0;
  let row = 0;
  let line = 1;
  let p = task.start;
  let capacity = n ? cols[0].capacity : Infinity;
  // 1 for the bytes that end an unquoted field: one load and compare per byte instead of three.
  const stops = new Uint8Array(256);
  stops[D] = stops[LF] = stops[CR] = 1;

  while (p < end && row < maxRows) {
    const c0 = b[p];
    if (c0 === LF) {
      p++;
      line++;
      continue;
    }
    if (c0 === CR && p + 1 < end && b[p + 1] === LF) {
      p += 2;
      line++;
      continue;
    }
    const recordStart = p;
    const recordLine = line;
    if (row >= capacity) {
      for (let i = 0; i < n; i++) cols[i].reserve(row);
      capacity = n ? cols[0].capacity : Infinity;
    }
    const vi = row >> 3;
    const vbit = 1 << (row & 7);
    let col = 0;
    let badColumn = NONE;
    let reason = '';
    let widen: ColumnKind | undefined;
    for (;;) {
      const c = p < end ? b[p] : -1;
      const column = col < n ? cols[col] : null;
      const code = col < n ? codes[col] : UTF8;
      if (c === Q) {
        // Quoted: find the closing quote, stepping over escaped quotes and counting line breaks.
        const s = ++p;
        let escaped = false;
        // A text column copies (and unescapes) the bytes in the same pass that finds the end.
        const copied = code === UTF8 && column !== null && !table;
        if (copied) {
          p = column.quotedText(row, b, p, end, Q, E);
          line += column.breaks;
        } else for (;;) {
          if (p >= end) break;
          const q = b[p];
          if (q === Q) {
            if (E === Q && p + 1 < end && b[p + 1] === Q) {
              escaped = true;
              p += 2;
              continue;
            }
            break;
          }
          if (q === E && p + 1 < end && (b[p + 1] === Q || b[p + 1] === E)) {
            escaped = true;
            p += 2;
            continue;
          }
          if (q === LF) line++;
          p++;
        }
        const e = p;
        if (p >= end) {
          if (badColumn === NONE) [badColumn, reason] = [RECORD, 'a quoted field is not closed before the end of the file'];
        } else {
          p++;
          if (p < end && b[p] !== D && b[p] !== LF && b[p] !== CR) {
            if (badColumn === NONE) [badColumn, reason] = [RECORD, `unexpected text after the closing quote of field ${col + 1}`];
            while (p < end && b[p] !== D && b[p] !== LF && b[p] !== CR) p++;
          }
        }
        if (column && badColumn === NONE) {
          if (code === UTF8) {
            if (column.hasNulls) column.validity[vi] |= vbit;
            if (!copied) column.text(row, b, s, e, escaped ? E : -1, Q, table);
          } else if (s === e) column.setNull(vi, vbit);
          else if (!escaped && readValue(code, b, s, e) === e) {
            if (column.hasNulls) column.validity[vi] |= vbit;
            column.store(code, row);
          } else [badColumn, reason, widen] = [col, mismatch(task, col, b, s, e, table), widenFor(task.kinds[col], b, s, e)];
        }
      } else if (code === UTF8) {
        if (column && !table) p = column.scanText(row, vi, vbit, b, p, end, stops);
        else {
          const s = p;
          while (p < end && !stops[b[p]]) p++;
          if (column && s === p) {
            column.setNull(vi, vbit);
            column.offsets[row + 1] = column.offsets[row];
          } else if (column) {
            if (column.hasNulls) column.validity[vi] |= vbit;
            column.text(row, b, s, p, -1, Q, table);
          }
        }
      } else if (c === -1 || c === D || c === LF || c === CR) {
        column!.setNull(vi, vbit);
      } else {
        // Typed and unquoted: read the value in the same pass that finds the field's end.
        const s = p;
        const stop = readValue(code, b, p, end);
        if (stop >= 0 && (stop === end || b[stop] === D || b[stop] === LF || b[stop] === CR)) {
          p = stop;
          if (column!.hasNulls) column!.validity[vi] |= vbit;
          column!.store(code, row);
        } else {
          while (p < end && b[p] !== D && b[p] !== LF && b[p] !== CR) p++;
          if (badColumn === NONE) [badColumn, reason, widen] = [col, mismatch(task, col, b, s, p, table), widenFor(task.kinds[col], b, s, p)];
        }
      }
      col++;
      if (p >= end) break;
      const t = b[p++];
      if (t === D) continue;
      if (t === CR && p < end && b[p] === LF) p++;
      line++;
      break;
    }
    if (badColumn === NONE && col !== n) [badColumn, reason] = [RECORD, `expected ${n} fields, found ${col}`];
    if (badColumn === NONE) {
      row++;
      continue;
    }
    // The bad row is rolled back: the next row is written over it.
    if (onError === 'skip') {
      skipped++;
      continue;
    }
    bad.push({ line: recordLine, column: badColumn, reason, record: shorten(trimBreak(excerpt(b, recordStart, p, table, 1000)), 1000), ...(widen ? { widen } : {}) });
    if (onError === 'fail') break;
  }
  return { rows: row, lines: line - 1, columns: cols.map((c) => c.finish(row)), bad, skipped, end: p };
}

const NONE = -2;
const RECORD = -1;
const INT32 = 0;
const FLOAT64 = 2;
const DATE = 4;
const UTF8 = 5;
const TIMESTAMP = 6;
const CODE: Record<ColumnKind, number> = { int32: INT32, int64: 1, float64: FLOAT64, boolean: 3, date: DATE, utf8: UTF8, timestamp: TIMESTAMP };

function readValue(code: number, b: Uint8Array, s: number, e: number): number {
  switch (code) {
    case INT32: return readInt32(b, s, e);
    case 1: return readInt64(b, s, e);
    case FLOAT64: return readFloat64(b, s, e);
    case 3: return readBool(b, s, e);
    case DATE: return readDate(b, s, e);
    case TIMESTAMP: return readTimestamp(b, s, e);
    default: return -1;
  }
}

function mismatch(task: ParseTask, col: number, b: Uint8Array, s: number, e: number, table: Utf8Table | null): string {
  const text = shorten(excerpt(b, s, e, table, 40));
  return `column "${task.names[col]}" (${col + 1}): value ${JSON.stringify(text)} is not ${KIND_LABELS[task.kinds[col]]}`;
}

/** The kind a column must widen to for a value it does not fit (rows are rare, so this may be slow). */
function widenFor(kind: ColumnKind, b: Uint8Array, s: number, e: number): ColumnKind {
  const fits = INFERENCE_ORDER.find((k) => k === 'utf8' || readValue(CODE[k], b, s, e) === e)!;
  return widerKind(kind, fits);
}

const utf8 = new TextDecoder();

function textOf(b: Uint8Array, s: number, e: number, table: Utf8Table | null): string {
  return table ? singleByteText(table, b, s, e) : utf8.decode(b.subarray(s, e));
}

/** The text of `b[s, e)`, decoding only enough bytes for `max` characters (a field may be hundreds of MB). */
function excerpt(b: Uint8Array, s: number, e: number, table: Utf8Table | null, max: number): string {
  return textOf(b, s, Math.min(e, s + 4 * (max + 1)), table);
}

function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

function trimBreak(text: string): string {
  return text.replace(/\r?\n$/, '');
}
