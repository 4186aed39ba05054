import { INFERENCE_ORDER, type ColumnKind } from './column-kinds.js';
import { parseChunk, type CsvDialect } from './parse-chunk.js';
import { readBool, readDate, readFloat64, readInt64, readTimestamp } from './parse-fields.js';

/** One bit per kind inference may still choose for a column (utf8 always can; int32 never is inferred). */
const BIT: Record<ColumnKind, number> = { int32: 0, int64: 2, float64: 4, boolean: 8, date: 16, timestamp: 32, utf8: 0 };
export const ALL_KINDS = 62;

const READERS: [number, (b: Uint8Array, s: number, e: number) => number][] = [
  [BIT.int64, readInt64],
  [BIT.float64, readFloat64],
  [BIT.boolean, readBool],
  [BIT.date, readDate],
  [BIT.timestamp, readTimestamp],
];

export interface InferTask {
  bytes: Uint8Array;
  start: number;
  dialect: CsvDialect;
  columns: number;
  maxRows: number;
}

/** What a chunk says about its columns; results of several chunks merge with `mergeInferred`. */
export interface Inferred {
  rows: number;
  /** Per column: the kinds every non-empty value fits (bits of BIT). */
  masks: number[];
  /** Per column: whether any non-empty value was seen. */
  seen: boolean[];
  /** Per column: text bytes seen, to size string buffers. */
  bytes: number[];
  /** Bytes of the records sampled, to estimate rows per chunk. */
  recordBytes: number;
}

/**
 * Which kinds each column's values fit, from up to `maxRows` records. The records are split by
 * the parser itself (as text), so inference sees exactly the fields a parse will.
 */
export function inferChunk(task: InferTask): Inferred {
  const names = Array.from({ length: task.columns }, (_, i) => `column ${i + 1}`);
  const parsed = parseChunk({
    bytes: task.bytes,
    start: task.start,
    dialect: task.dialect,
    kinds: names.map(() => 'utf8'),
    names,
    onError: 'skip',
    rowsHint: Math.min(task.maxRows, 1 << 16),
    bytesPerRow: names.map(() => 16),
    maxRows: task.maxRows,
  });
  // Bytes that are not UTF-8 say nothing about types; the parse that follows reports them.
  if (parsed.invalidUtf8) return { rows: 0, masks: names.map(() => ALL_KINDS), seen: names.map(() => false), bytes: names.map(() => 0), recordBytes: 0 };
  const out: Inferred = { rows: parsed.rows, masks: [], seen: [], bytes: [], recordBytes: 0 };
  for (const column of parsed.columns) {
    const { data, offsets } = column as { data: Uint8Array; offsets: Int32Array };
    let mask = ALL_KINDS;
    let seen = false;
    for (let r = 0; r < parsed.rows && mask !== 0; r++) {
      const s = offsets[r];
      const e = offsets[r + 1];
      if (s === e) continue;
      seen = true;
      for (const [bit, read] of READERS) if (mask & bit && read(data, s, e) !== e) mask &= ~bit;
    }
    out.masks.push(mask);
    out.seen.push(seen);
    out.bytes.push(offsets[parsed.rows]);
  }
  out.recordBytes = parsed.end - task.start;
  return out;
}

export function mergeInferred(a: Inferred, b: Inferred): Inferred {
  return {
    rows: a.rows + b.rows,
    masks: a.masks.map((m, i) => m & b.masks[i]),
    seen: a.seen.map((s, i) => s || b.seen[i]),
    bytes: a.bytes.map((n, i) => n + b.bytes[i]),
    recordBytes: a.recordBytes + b.recordBytes,
  };
}

/** The narrowest kind all values fit; a column with no values is text, the one kind no later value can fail. */
export function kindOf(mask: number, seen: boolean): ColumnKind {
  if (!seen) return 'utf8';
  return INFERENCE_ORDER.find((kind) => kind === 'utf8' || (mask & BIT[kind]) !== 0)!;
}
