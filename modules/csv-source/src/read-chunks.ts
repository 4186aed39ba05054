import type { InputFile } from '@pypeline/object-store';
import type { CsvDialect } from './parse-chunk.js';

const LF = 10;
const CR = 13;

/**
 * Reads a file (local or an object, sequentially either way) in chunks of about `chunkBytes` that each end at a record boundary, so chunks
 * can be parsed independently (and in parallel). Each chunk is a fresh buffer the caller may
 * transfer to a worker. A boundary is a line feed outside quotes; quotes are tracked with the
 * parser's rule (a quote opens a field only at its start), so line breaks inside quoted fields
 * never split a record. A file without line feeds is one chunk.
 *
 * A record longer than `chunkBytes` (one enormous line, a huge quoted field) is read into a
 * buffer that doubles as it fills, and each byte is scanned for boundaries once, so such a
 * record costs time and copying linear in its size.
 */
export async function* readChunks(input: InputFile, dialect: CsvDialect, chunkBytes: number, signal?: AbortSignal, buffers?: ChunkBuffers): AsyncGenerator<Uint8Array> {
  const file = await input.reader();
  const alloc = (n: number) => (buffers ? buffers.take(n) : uninitialised(n));
  try {
    let remaining = input.size;
    let buf = alloc(chunkBytes);
    let len = 0;
    const scanner = new BoundaryScanner(dialect);
    for (;;) {
      signal?.throwIfAborted();
      if (buf.length - len < chunkBytes) {
        // Doubling (capped at what the file still holds) keeps one long record linear to copy.
        const next = alloc(len + Math.max(chunkBytes, Math.min(buf.length, remaining)));
        next.set(buf.subarray(0, len));
        buffers?.give(buf);
        buf = next;
      }
      const bytesRead = await file.read(buf, len, chunkBytes);
      if (bytesRead === 0) {
        if (len > 0) yield buf.subarray(0, len);
        return;
      }
      len += bytesRead;
      remaining -= bytesRead;
      const boundary = scanner.scan(buf, len);
      if (boundary < 0) continue;
      const rest = buf.subarray(boundary + 1, len);
      const next = alloc(rest.length + chunkBytes);
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
 * A buffer of its own (transferable) whose bytes are not zeroed first: every byte a chunk
 * holds is read from the file before it is looked at. A plain Uint8Array view: the chunk
 * leaves as one, whatever reads it.
 */
function uninitialised(n: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
}

/**
 * Chunk buffers given back once their chunk is parsed, for later chunks to be read into: on
 * the project's VM a fresh buffer's first-touch page faults cost about 40 times the copy into
 * it (about 0.8 s of CPU for the 236 MB bench file). SharedArrayBuffers, so a pool thread parses
 * a chunk where it is (no transfer, which would take the buffer away from this thread).
 * A chunk must not be given back while anything still reads it.
 */
export class ChunkBuffers {
  private readonly free: Uint8Array[] = [];

  constructor(private readonly chunkBytes: number) {}

  /** A buffer of at least `n` bytes holding stale bytes. */
  take(n: number): Uint8Array {
    const i = this.free.findIndex((b) => b.length >= n);
    if (i >= 0) return this.free.splice(i, 1)[0];
    // Room for a record cut at the end of the last chunk, so most buffers fit every chunk.
    return new Uint8Array(new SharedArrayBuffer(Math.max(n, this.chunkBytes + (this.chunkBytes >> 2))));
  }

  /** Gives back the buffer under `chunk` (one enormous record's buffer is not kept). */
  give(chunk: Uint8Array): void {
    if (!(chunk.buffer instanceof SharedArrayBuffer) || chunk.buffer.byteLength > 2 * this.chunkBytes || this.free.length >= 16) return;
    this.free.push(new Uint8Array(chunk.buffer));
  }
}

/** An outside-quotes stretch longer than this is searched natively; shorter ones byte by byte. */
const SPARSE = 256;

/**
 * Finds record boundaries in a buffer that grows at its end, resuming where the last scan
 * stopped (with its quote state), so each byte is looked at once. Files with few quotes are
 * searched with the native indexOf; quote-dense files (most fields quoted, escaped quotes)
 * byte by byte in one tight loop, since a native call per quote costs more than the bytes.
 */
export class BoundaryScanner {
  /** Next byte to look at. */
  private p = 0;
  private inQuotes = false;
  /** The last boundary found, -1 for none. */
  private last = -1;
  /** Length of the last outside-quotes stretch: long ones switch to the native search. */
  private gap = 0;

  constructor(private readonly dialect: CsvDialect) {}

  /** The last line feed outside quotes in `b[0, end)`; -1 if none. `b` starts at a record boundary. */
  scan(b: Uint8Array, end: number): number {
    const { quote: Q, escape: E, delimiter: D } = this.dialect;
    let p = this.p;
    let inQuotes = this.inQuotes;
    let last = this.last;
    // Buffer's indexOf: on the plain bench file 3-6 times faster than a typed array's.
    let view: Buffer | null = null;
    while (p < end) {
      if (!inQuotes) {
        // Outside quotes: every line feed before the next quote is a boundary.
        let q = p;
        if (this.gap > SPARSE) {
          view ??= Buffer.from(b.buffer, b.byteOffset, end);
          q = view.indexOf(Q, p);
          if (q < 0 || q > end) q = end;
          for (let i = q - 1; i >= p; i--) {
            if (b[i] === LF) {
              last = i;
              break;
            }
          }
        } else {
          for (; q < end; q++) {
            const c = b[q];
            if (c === Q) break;
            if (c === LF) last = q;
          }
        }
        this.gap = q - p;
        if (q >= end) {
          p = end;
          break;
        }
        const before = q === 0 ? LF : b[q - 1];
        if (before === D || before === LF || before === CR) inQuotes = true;
        p = q + 1;
        continue;
      }
      // Inside quotes: find the closing quote, stepping over escaped ones. A quote or escape that
      // is the last byte read waits for the next byte, which decides what it is.
      let c = -1;
      while (p < end) {
        c = b[p];
        if (c === Q || c === E) break;
        p++;
      }
      if (p >= end || p + 1 === end) break;
      if (E === Q) {
        if (b[p + 1] === Q) p += 2;
        else {
          inQuotes = false;
          p++;
        }
      } else if (c === E) p += 2;
      else {
        inQuotes = false;
        p++;
      }
    }
    this.p = p;
    this.inQuotes = inQuotes;
    this.last = last;
    return last;
  }

  /** The caller dropped the first `n` bytes of the buffer (up to and including the last boundary). */
  shift(n: number): void {
    this.p -= n;
    this.last = -1;
  }
}
