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
 *
 * A record longer than `chunkBytes` (one enormous line, a huge quoted field) is read into a
 * buffer that doubles as it fills, and each byte is scanned for boundaries once, so such a
 * record costs time and copying linear in its size.
 */
export async function* readChunks(path: string, dialect: CsvDialect, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    let remaining = (await file.stat()).size;
    let buf = new Uint8Array(chunkBytes);
    let len = 0;
    const scanner = new BoundaryScanner(dialect);
    for (;;) {
      signal?.throwIfAborted();
      if (buf.length - len < chunkBytes) {
        // Doubling (capped at what the file still holds) keeps one long record linear to copy.
        const next = new Uint8Array(len + Math.max(chunkBytes, Math.min(buf.length, remaining)));
        next.set(buf.subarray(0, len));
        buf = next;
      }
      const { bytesRead } = await file.read(buf, len, chunkBytes, null);
      if (bytesRead === 0) {
        if (len > 0) yield buf.subarray(0, len);
        return;
      }
      len += bytesRead;
      remaining -= bytesRead;
      const boundary = scanner.scan(buf, len);
      if (boundary < 0) continue;
      const rest = buf.subarray(boundary + 1, len);
      const next = new Uint8Array(rest.length + chunkBytes);
      next.set(rest);
      scanner.shift(boundary + 1);
      const chunk = buf.subarray(0, boundary + 1);
      buf = next;
      len = rest.length;
      yield chunk;
    }
  } finally {
    await file.close();
  }
}

/**
 * Finds record boundaries in a buffer that grows at its end, resuming where the last scan
 * stopped (with its quote state), so each byte is looked at once. Searches with Buffer's native
 * indexOf, so a file with few quotes is scanned at memchr speed.
 */
export class BoundaryScanner {
  /** Next byte to look at. */
  private p = 0;
  private inQuotes = false;
  /** The last boundary found, -1 for none. */
  private last = -1;

  constructor(private readonly dialect: CsvDialect) {}

  /** The last line feed outside quotes in `b[0, end)`; -1 if none. `b` starts at a record boundary. */
  scan(b: Uint8Array, end: number): number {
    const view = Buffer.from(b.buffer, b.byteOffset, end);
    const { quote: Q, escape: E, delimiter: D } = this.dialect;
    let p = this.p;
    while (p < end) {
      if (!this.inQuotes) {
        // Outside quotes: every line feed before the next quote is a boundary. Only that stretch is
        // searched (a lastIndexOf from the quote would scan back to the buffer's start each time).
        const q = view.indexOf(Q, p);
        const stop = q === -1 ? end : q;
        const lf = view.subarray(p, stop).lastIndexOf(LF);
        if (lf >= 0) this.last = p + lf;
        if (q === -1) {
          p = end;
          break;
        }
        p = q + 1;
        const before = q === 0 ? LF : view[q - 1];
        if (before === D || before === LF || before === CR) this.inQuotes = true;
        continue;
      }
      // Inside quotes: find the closing quote, stepping over escaped ones.
      const c = view.indexOf(Q, p);
      if (c === -1) {
        p = end;
        break;
      }
      if (E === Q) {
        if (c + 1 === end) {
          p = c; // a doubled quote or a closing one: the next byte, not read yet, decides
          break;
        }
        p = view[c + 1] === Q ? c + 2 : c + 1;
        this.inQuotes = view[c + 1] === Q;
        continue;
      }
      let escapes = 0;
      while (c - 1 - escapes >= 0 && view[c - 1 - escapes] === E) escapes++;
      p = c + 1;
      if (escapes % 2 === 0) this.inQuotes = false;
    }
    this.p = p;
    return this.last;
  }

  /** The caller dropped the first `n` bytes of the buffer (up to and including the last boundary). */
  shift(n: number): void {
    this.p -= n;
    this.last = -1;
  }
}
