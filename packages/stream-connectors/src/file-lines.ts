import type { FileHandle } from 'node:fs/promises';
import type { StreamLogger } from '@pypeline/stream';
import type { RecordBatch } from 'apache-arrow';
import { parse as parseCsv } from 'csv-parse/sync';
import { Decoder, type DecodeOptions } from './formats.js';

/** How a file's lines become rows: `json` (JSON lines), `csv` (a header line, then one record per line), or `text` (a `value` column). */
export type LineFormat = 'json' | 'csv' | 'text';

export interface LineFileOptions extends Omit<DecodeOptions, 'format'> {
  /** @default 'json' */
  format?: LineFormat;
  /** Most bytes read into one batch. @default 1048576 (1 MiB) */
  maxBatchBytes?: number;
}

// WARNING: a line longer than this fails the source rather than growing memory without bound.
const MAX_LINE_BYTES = 64 << 20;

/**
 * Complete lines between `offset` and `fileSize`, about `maxBytes` of them at most (a longer line
 * is read whole), and the offset after them. A last line without a newline waits for it, unless
 * `atEnd` says the file is complete.
 */
export async function readLines(fh: FileHandle, offset: number, fileSize: number, maxBytes: number, atEnd: boolean): Promise<{ lines: string[]; next: number }> {
  const available = fileSize - offset;
  for (let want = Math.min(maxBytes, available); want > 0; want = Math.min(want * 2, available)) {
    const buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, offset);
    if (bytesRead === 0) break; // truncated meanwhile: the caller sees it on its next stat
    const all = bytesRead === available;
    if (atEnd && all) return { lines: splitLines(buf.toString('utf8', 0, bytesRead).replace(/\r?\n$/, '')), next: offset + bytesRead };
    const nl = buf.lastIndexOf(0x0a, bytesRead - 1);
    if (nl >= 0) return { lines: splitLines(buf.toString('utf8', 0, nl)), next: offset + nl + 1 };
    if (all || bytesRead < want) break;
    if (want >= MAX_LINE_BYTES) throw new Error(`a line at byte ${offset} is longer than ${MAX_LINE_BYTES} bytes`);
  }
  return { lines: [], next: offset };
}

/** The first line (without its line end) and its length in bytes with the newline; undefined until it is complete. */
export async function readFirstLine(fh: FileHandle, fileSize: number): Promise<{ line: string; bytes: number } | undefined> {
  const max = 64 << 10;
  const buf = Buffer.alloc(Math.min(max, fileSize));
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
  if (nl < 0 && bytesRead >= max) throw new Error(`the first line is longer than ${max} bytes: is it really a CSV header?`);
  if (nl < 0) return undefined;
  return { line: splitLines(buf.toString('utf8', 0, nl))[0], bytes: nl + 1 };
}

function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * Lines of one format to record batches, keeping one schema. CSV needs the file's header line
 * first (`header`); lines that do not decode follow `onError`.
 */
export class LineDecoder {
  private readonly decoder: Decoder;
  header: string[] | undefined;

  constructor(private readonly where: string, private readonly options: LineFileOptions, private readonly log: StreamLogger) {
    const format = options.format ?? 'json';
    this.decoder = new Decoder(where, { schema: options.schema, onError: options.onError, format: format === 'text' ? 'text' : 'json' }, log);
  }

  get format(): LineFormat {
    return this.options.format ?? 'json';
  }

  /** Takes the CSV header from a line. */
  setHeader(line: string): void {
    this.header = (parseCsv(line) as string[][])[0] ?? [];
  }

  decode(lines: readonly string[]): RecordBatch | undefined {
    if (this.format === 'text') return this.decoder.decode(lines);
    const nonBlank = lines.filter((l) => l.trim() !== '');
    if (this.format === 'json') return this.decoder.decode(nonBlank);
    return this.decoder.decode(nonBlank.flatMap((l) => this.csvRecord(l)));
  }

  /** One CSV line as JSON text of an object keyed by the header (empty unquoted fields → null). */
  private csvRecord(line: string): string[] {
    try {
      const [record] = parseCsv(line, {
        columns: this.header,
        cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value),
      }) as unknown as Record<string, unknown>[];
      return record ? [JSON.stringify(record)] : [];
    } catch (e) {
      const why = `${this.where}: a line is not a CSV record of the header's ${this.header?.length ?? 0} columns (${(e as Error).message}): ${line.slice(0, 200)}`;
      if ((this.options.onError ?? 'fail') === 'fail') throw new Error(`${why} (fix the file, or set onError: 'skip' to drop such lines)`);
      this.log('warn', why);
      return [];
    }
  }
}
