import { open } from 'node:fs/promises';
import type { CsvDialect } from './parse-chunk.js';

const LF = 10;
const CR = 13;

/**
 * Reads a file in chunks of about `chunkBytes` that each end at a record boundary, so chunks
 * can be parsed independently (and in parallel). Each chunk is a fresh buffer the caller may
 * transfer to a worker. A boundary is a line feed outside quotes; quotes are tracked with the
 * parser's rule (a quote opens a field only at its start), so line breaks inside quoted fields
 * never split a record. A file without line feeds is one chunk.
 */
export async function* readChunks(path: string, dialect: CsvDialect, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    let carry = new Uint8Array(0);
    for (;;) {
      signal?.throwIfAborted();
      const buf = new Uint8Array(carry.length + chunkBytes);
      buf.set(carry);
      const { bytesRead } = await file.read(buf, carry.length, chunkBytes, null);
      const total = carry.length + bytesRead;
      if (bytesRead === 0) {
        if (total > 0) yield buf.subarray(0, total);
        return;
      }
      const boundary = lastBoundary(Buffer.from(buf.buffer, 0, total), dialect);
      if (boundary < 0) {
        carry = buf.subarray(0, total);
        continue;
      }
      carry = buf.slice(boundary + 1, total);
      yield buf.subarray(0, boundary + 1);
    }
  } finally {
    await file.close();
  }
}

/**
 * The last line feed outside quotes in `view`, which starts at a record boundary; -1 if none.
 * Searches with Buffer's native indexOf, so a file with few quotes is scanned at memchr speed.
 */
export function lastBoundary(view: Buffer, dialect: CsvDialect): number {
  const { quote: Q, escape: E, delimiter: D } = dialect;
  let boundary = -1;
  let p = 0;
  for (;;) {
    // Outside quotes: every line feed before the next opening quote is a boundary.
    const q = view.indexOf(Q, p);
    const lf = view.lastIndexOf(LF, q === -1 ? view.length - 1 : q - 1);
    if (lf >= p) boundary = lf;
    if (q === -1) return boundary;
    p = q + 1;
    const before = q === 0 ? LF : view[q - 1];
    if (before !== D && before !== LF && before !== CR) continue;
    // Inside quotes: find the closing quote, stepping over escaped ones.
    for (;;) {
      const c = view.indexOf(Q, p);
      if (c === -1) return boundary;
      p = c + 1;
      if (E === Q) {
        if (c + 1 < view.length && view[c + 1] === Q) {
          p = c + 2;
          continue;
        }
        break;
      }
      let escapes = 0;
      while (c - 1 - escapes >= 0 && view[c - 1 - escapes] === E) escapes++;
      if (escapes % 2 === 0) break;
    }
  }
}
