import { openInput } from '@pypeline/object-store';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CsvDialect } from './parse-chunk.js';
import { BoundaryScanner, ChunkBuffers, readChunks } from './read-chunks.js';

const RFC: CsvDialect = { delimiter: 44, quote: 34, escape: 34, charset: 'utf-8' };
const BACKSLASH: CsvDialect = { delimiter: 44, quote: 34, escape: 92, charset: 'utf-8' };

/** Boundaries by the plain rule, one byte at a time: line feeds outside quoted fields. */
function expectedBoundaries(text: string, d: CsvDialect): number[] {
  const out: number[] = [];
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (d.escape !== d.quote && c === d.escape) i++;
      else if (c === d.quote) {
        if (d.escape === d.quote && text.charCodeAt(i + 1) === d.quote) i++;
        else inQuotes = false;
      }
    } else if (c === d.quote) {
      const before = i === 0 ? 10 : text.charCodeAt(i - 1);
      inQuotes = before === d.delimiter || before === 10 || before === 13;
    } else if (c === 10) out.push(i);
  }
  return out;
}

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'csv-chunks-')), 'in.csv');
  writeFileSync(path, content);
  return path;
}

async function chunksOf(path: string, d: CsvDialect, chunkBytes: number): Promise<string[]> {
  const out: string[] = [];
  for await (const c of readChunks(await openInput(path, {}), d, chunkBytes)) out.push(Buffer.from(c).toString('latin1'));
  return out;
}

describe('BoundaryScanner', () => {
  it('finds the same last boundary whatever the slices the buffer grows by, quotes and escapes split across them', () => {
    let seed = 11;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    for (const d of [RFC, BACKSLASH]) {
      for (let round = 0; round < 300; round++) {
        // Long unquoted stretches (some with line feeds) take the scanner's native-search path.
        const long = ['x'.repeat(300), `${'y'.repeat(150)}\n${'y'.repeat(200)}`];
        const text = Array.from({ length: 40 + random(60) }, () => (random(25) === 0 && round % 3 === 0 ? long[random(2)] : 'ab,"\n\\'[random(6)])).join('');
        const bytes = Buffer.from(text, 'latin1');
        const expected = expectedBoundaries(text, d);
        const scanner = new BoundaryScanner(d);
        for (let end = 0; end < bytes.length; ) {
          end = Math.min(bytes.length, end + 1 + random(bytes.length > 2000 ? 1024 : 8));
          const last = scanner.scan(bytes, end);
          // A quote at the very end may still be doubled, so only boundaries before it are known.
          const want = expected.findLast((b) => b < end) ?? -1;
          // The message is built only on a mismatch: the texts run to tens of KB.
          if (last > want || (bytes[end - 1] !== d.quote && last !== want)) expect.fail(`${JSON.stringify(text)} up to ${end}: boundary ${last}, expected ${want}`);
        }
      }
    }
  }, 120_000);
  it('finds line feeds after a long unquoted stretch, where it searches natively', () => {
    for (const d of [RFC, BACKSLASH]) {
      // The stretch after "q" follows a long one, so it is searched natively and holds the last boundary.
      const text = `${'x'.repeat(300)},"q"\nabc,"r\ns"`;
      const scanner = new BoundaryScanner(d);
      expect(scanner.scan(Buffer.from(text, 'latin1'), text.length)).toBe(expectedBoundaries(text, d).at(-1));
      expect(expectedBoundaries(text, d)).toHaveLength(1);
    }
  });
});

describe('readChunks', () => {
  it('keeps a record far longer than a chunk whole: one enormous line of many quoted fields', async () => {
    // 3 MB on one line read 4 KB at a time: the reader used to copy and rescan everything it
    // held for each 4 KB (quadratic); now the record is buffered once and scanned once.
    const fields = Array.from({ length: 150_000 }, (_, i) => `"f${i}\nx"`).join(',');
    const text = `a,b\n1,2\n${fields}\n3,4\n${'"tail, without a line feed'}`;
    const chunks = await chunksOf(file(text), RFC, 4096);
    expect(chunks.join('')).toBe(text);
    expect(chunks[0]).toBe('a,b\n1,2\n');
    expect(chunks[1]).toBe(`${fields}\n3,4\n`);
    expect(chunks.at(-1)).toBe('"tail, without a line feed');
  });

  it('splits ordinary rows into chunks of about chunk_bytes that end at line feeds', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `${i},"quoted\n${i}"`).join('\n') + '\n';
    const chunks = await chunksOf(file(text), RFC, 1000);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks) {
      expect(c.endsWith('"\n')).toBe(true);
      expect(c.length).toBeLessThanOrEqual(1000 + 32);
    }
  });

  it('reads into buffers given back after each chunk, with the same chunks as fresh buffers', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `${i},"quoted\n${i}"`).join('\n') + '\n' + `${'x'.repeat(5000)}\n1,2\n`;
    const path = file(text);
    const buffers = new ChunkBuffers(1000);
    const out: string[] = [];
    const seen = new Set<ArrayBufferLike>();
    for await (const c of readChunks(await openInput(path, {}), RFC, 1000, undefined, buffers)) {
      expect(c.buffer).toBeInstanceOf(SharedArrayBuffer);
      seen.add(c.buffer);
      out.push(Buffer.from(c).toString('latin1'));
      buffers.give(c);
    }
    expect(out).toEqual(await chunksOf(path, RFC, 1000));
    // One buffer for the chunk being read and one for the next; the 5,000-byte line took bigger ones, not kept.
    expect(seen.size).toBeLessThanOrEqual(6);
  });
});
