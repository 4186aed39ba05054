import { isUtf8 } from 'node:buffer';

/** Where a chunk stops being UTF-8: the offending byte, its offset and its line and column relative to the scan start. */
export interface InvalidUtf8 {
  /** Offset of the first byte of the bad sequence in the scanned buffer. */
  offset: number;
  byte: number;
  /** 1 = the line the scan started on. */
  line: number;
  /** 1-based character column of the bad byte in its line. */
  column: number;
}

const LF = 10;

/**
 * The first invalid UTF-8 sequence in `b[s, e)`, or null. The native check (simdutf) runs on
 * every chunk; the byte-by-byte scan only on a chunk that failed it.
 */
export function findInvalidUtf8(b: Uint8Array, s: number, e: number): InvalidUtf8 | null {
  if (isUtf8(b.subarray(s, e))) return null;
  const offset = firstInvalid(b, s, e);
  if (offset < 0) return null;
  let line = 1;
  let lineStart = s;
  for (let p = b.indexOf(LF, s); p !== -1 && p < offset; p = b.indexOf(LF, p + 1)) {
    line++;
    lineStart = p + 1;
  }
  // Everything before `offset` is valid, so decoding it counts characters exactly.
  const column = [...new TextDecoder().decode(b.subarray(lineStart, offset))].length + 1;
  return { offset, byte: b[offset], line, column };
}

function firstInvalid(b: Uint8Array, s: number, e: number): number {
  let p = s;
  while (p < e) {
    const c = b[p];
    if (c < 0x80) {
      p++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || p + n >= e) return p; // not a lead byte, or the sequence is cut off
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[p + 1] < lo || b[p + 1] > hi) return p;
    for (let k = 2; k <= n; k++) if (b[p + k] < 0x80 || b[p + k] > 0xbf) return p;
    p += n + 1;
  }
  return -1;
}
