import { parseChunk, type CsvDialect } from './parse-chunk.js';

export interface FirstRecord {
  fields: string[];
  /** Offset just past the record (and its line break). */
  next: number;
  /** Line breaks the record took, its own included. */
  lines: number;
}

const LF = 10;
const CR = 13;

/**
 * The first non-blank record from `start`, as text (the header, or the first row when there is
 * none). Its field count is not known yet, so fields are found by a small scan with the
 * parser's quoting rules; the text of each field then comes from the parser itself.
 */
export function readFirstRecord(bytes: Uint8Array, start: number, dialect: CsvDialect): FirstRecord | null {
  let p = start;
  let lines = 0;
  while (p < bytes.length && (bytes[p] === LF || bytes[p] === CR)) {
    if (bytes[p] === LF) lines++;
    p++;
  }
  if (p >= bytes.length) return null;
  const { count, end } = scanRecord(bytes, p, dialect);
  const names = Array.from({ length: count }, (_, i) => `field ${i + 1}`);
  const parsed = parseChunk({
    bytes: bytes.subarray(0, end),
    start: p,
    dialect,
    kinds: names.map(() => 'utf8'),
    names,
    onError: 'fail',
    rowsHint: 1,
    bytesPerRow: names.map(() => 16),
  });
  const decoder = new TextDecoder();
  const fields = parsed.columns.map((c) => (c.data && c.offsets ? decoder.decode(c.data.slice(c.offsets[0], c.offsets[1])) : ''));
  return { fields, next: end, lines: lines + parsed.lines };
}

/** The field count of the record at `p` and the offset past it and its line break. */
function scanRecord(b: Uint8Array, p: number, d: CsvDialect): { count: number; end: number } {
  let count = 1;
  let inQuotes = false;
  let fieldStart = true;
  for (; p < b.length; p++) {
    const c = b[p];
    if (inQuotes) {
      if (c === d.escape && d.escape !== d.quote && p + 1 < b.length) p++;
      else if (c === d.quote) {
        if (d.escape === d.quote && b[p + 1] === d.quote) p++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === d.quote && fieldStart) inQuotes = true;
    else if (c === d.delimiter) count++;
    else if (c === LF) return { count, end: p + 1 };
    else if (c === CR) return { count, end: b[p + 1] === LF ? p + 2 : p + 1 };
    fieldStart = c === d.delimiter;
  }
  return { count, end: b.length };
}
