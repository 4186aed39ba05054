import { compressSync, uncompressSync } from 'snappy';
import { seededRandom as prng } from '@pypeline/sdk';
import { describe, expect, it } from 'vitest';
import { snappyCompress, snappyMaxCompressedLength, snappyUncompress } from './snappy.js';

// The `snappy` package (napi-rs over the Rust `snap` crate) is the independent implementation
// every output is checked against: it must decode ours, and ours must decode its.

function randomBytes(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 256) | 0;
  return out;
}

const WORDS = (
  'the quick brown fox jumps over lazy dog parquet column page row group snappy data value null ' +
  'string schema field customer order price quantity 2024-01-31 Lorem ipsum dolor sit amet'
).split(' ');

function text(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const parts: string[] = [];
  let length = 0;
  while (length < n) {
    const word = WORDS[(r() * WORDS.length) | 0] + (r() < 0.1 ? '.\n' : ' ');
    parts.push(word);
    length += word.length;
  }
  return new TextEncoder().encode(parts.join('').slice(0, n));
}

/** Little-endian int64s from `first` up, as a Parquet id column's plain page holds them. */
function sequentialInt64(count: number, first = 1_000_000n): Uint8Array {
  const values = new BigInt64Array(count);
  for (let i = 0; i < count; i++) values[i] = first + BigInt(i);
  return new Uint8Array(values.buffer);
}

/** Runs of random bytes, zeros, text and copies of earlier bytes, near and far. */
function mixed(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const out = new Uint8Array(n);
  let p = 0;
  while (p < n) {
    const len = Math.min(n - p, 1 + ((r() * (r() < 0.8 ? 64 : 4000)) | 0));
    const kind = r();
    if (kind < 0.25) out.set(randomBytes(len, (r() * 2 ** 31) | 0), p);
    else if (kind < 0.6 && p > 0) {
      const offset = 1 + ((r() * Math.min(p, r() < 0.5 ? 64 : 70_000)) | 0);
      for (let i = 0; i < len; i++) out[p + i] = out[p + i - offset];
    } else if (kind < 0.8) out.fill((r() * 3) | 0, p, p + len);
    else out.set(text(len, (r() * 2 ** 31) | 0), p);
    p += len;
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The first index where a and b differ, or -1 (a short message where toEqual prints MiBs). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function nativeUncompress(compressed: Uint8Array): Uint8Array {
  const out = uncompressSync(compressed, { asBuffer: true });
  if (typeof out === 'string') throw new TypeError('snappy returned a string');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function nativeCompress(input: Uint8Array): Uint8Array {
  const out = compressSync(input);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Round trips through both implementations; returns our compressed bytes. */
function roundTrip(input: Uint8Array): Uint8Array {
  const ours = snappyCompress(input);
  expect(ours.length).toBeLessThanOrEqual(snappyMaxCompressedLength(input.length));
  expect(firstDifference(snappyUncompress(ours), input)).toBe(-1);
  expect(firstDifference(nativeUncompress(ours), input)).toBe(-1);
  expect(firstDifference(snappyUncompress(nativeCompress(input)), input)).toBe(-1);
  return ours;
}

/** Our compressed size over the native one. */
function sizeRatio(input: Uint8Array): number {
  return roundTrip(input).length / nativeCompress(input).length;
}

describe('snappyCompress', () => {
  it('writes the empty input as its length alone', () => {
    const out = roundTrip(new Uint8Array(0));
    expect([...out]).toEqual([0]);
  });

  it('round-trips every input of 1 to 20 bytes it is likely to meet', () => {
    for (let n = 1; n <= 20; n++) {
      roundTrip(new Uint8Array(n));
      roundTrip(new Uint8Array(n).fill(0xff));
      roundTrip(randomBytes(n, n));
      roundTrip(Uint8Array.from({ length: n }, (_, i) => 'ab'.charCodeAt(i % 2)));
      roundTrip(Uint8Array.from({ length: n }, (_, i) => 'abcd'.charCodeAt(i % 4)));
      roundTrip(Uint8Array.from({ length: n }, (_, i) => i));
    }
  });

  it('writes a short literal as a tag and the bytes', () => {
    expect([...snappyCompress(new TextEncoder().encode('hello'))]).toEqual([5, 4 << 2, 104, 101, 108, 108, 111]);
  });

  it('squeezes 1 MiB of zeros to a few bytes per 64 bytes', () => {
    const input = new Uint8Array(1 << 20);
    const out = roundTrip(input);
    // Each 64-byte copy takes 2 or 3 bytes; a block starts with a one-byte literal.
    expect(out.length).toBeLessThan(input.length / 20);
    expect(sizeRatio(input)).toBeLessThanOrEqual(1.1);
  });

  it('stores 1 MiB of random bytes as literals, with only a header per 64 KiB block', () => {
    const input = randomBytes(1 << 20, 42);
    const out = roundTrip(input);
    expect(out.length).toBeLessThanOrEqual(input.length + 3 * 16 + 5);
  });

  it('compresses text within 10% of the native size', () => {
    const input = text(1 << 20, 7);
    const ratio = sizeRatio(input);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
    expect(snappyCompress(input).length).toBeLessThan(input.length / 2);
  });

  it('compresses sequential little-endian int64s (an id column) within 10% of the native size', () => {
    const input = sequentialInt64(1 << 17);
    const ratio = sizeRatio(input);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
    expect(snappyCompress(input).length).toBeLessThan(input.length * 0.6);
  });

  it('round-trips long runs that cross the 64 KiB block boundaries', () => {
    for (const runStart of [65_536 - 1000, 65_536 - 64, 65_536 - 17, 65_536 - 15, 65_536 - 4, 65_536 - 1, 65_536]) {
      const input = randomBytes(200_000, runStart);
      input.fill(0x61, runStart, runStart + 70_000);
      roundTrip(input);
    }
    // A run of 3 blocks and more; and a repeating pattern longer than a copy can say.
    roundTrip(concat(randomBytes(1234, 1), new Uint8Array(3 * 65_536 + 77).fill(9), randomBytes(999, 2)));
    const pattern = randomBytes(100, 3);
    roundTrip(Uint8Array.from({ length: 300_000 }, (_, i) => pattern[i % 100]));
  });

  it('round-trips matches that end at the very end of a block or of the input', () => {
    const head = randomBytes(300, 5);
    for (let tail = 0; tail <= 48; tail++) {
      // The last bytes of the input repeat its first ones.
      roundTrip(concat(head, randomBytes(200, tail), head.subarray(0, 100 + tail)));
      roundTrip(concat(head, head.subarray(0, tail)));
      // The end of the first block repeats bytes earlier in it, then the next block starts afresh.
      const block = randomBytes(65_536 + 100, 100 + tail);
      block.copyWithin(65_536 - 200 - tail, 1000, 1200);
      roundTrip(block);
    }
  });

  it('writes the same bytes as the native compressor where no search misses 48 times in a row', () => {
    // The two differ only in how fast a long search speeds up (see snappy.ts), so on data
    // where every search soon hits the outputs must be equal: this pins match lengths, copy
    // kinds and literal headers, which a round trip alone would not.
    const pattern = randomBytes(8, 4);
    const inputs = [
      sequentialInt64(1 << 17),
      sequentialInt64(20_000, -5n),
      new Uint8Array(200_000),
      Uint8Array.from({ length: 150_000 }, (_, i) => pattern[i % 8]),
      Uint8Array.from({ length: 150_000 }, (_, i) => (i >> 6) & 0xff),
    ];
    for (const input of inputs) expect(firstDifference(roundTrip(input), nativeCompress(input))).toBe(-1);
  });

  it('picks copy-1 only for offsets under 2048, also in the pieces of a long match', () => {
    // The search finds the repeat a few bytes into it, so every length up to 200 is tried to
    // get matches (and 64-byte pieces' remainders) of every length at exactly that offset.
    for (const offset of [2047, 2048, 2049]) {
      const head = randomBytes(offset, offset);
      for (let repeat = 4; repeat <= 200; repeat++) roundTrip(concat(head, head.subarray(0, repeat), randomBytes(20, repeat)));
    }
  });

  it('round-trips inputs of 65535, 65536 and 65537 bytes', () => {
    for (const n of [65_535, 65_536, 65_537]) {
      roundTrip(new Uint8Array(n));
      roundTrip(randomBytes(n, n));
      roundTrip(text(n, n));
      roundTrip(sequentialInt64(Math.ceil(n / 8)).subarray(0, n));
      roundTrip(mixed(n, n));
    }
  });

  it('reads an input that is a view into a larger buffer at an odd offset', () => {
    const backing = randomBytes(100_000, 11);
    backing.set(text(50_000, 12), 3);
    const input = backing.subarray(3, 50_003);
    expect(firstDifference(snappyCompress(input), snappyCompress(input.slice()))).toBe(-1);
    roundTrip(input);
    roundTrip(Buffer.from(text(5000, 13)));
  });

  it('returns an array of its own: a later call leaves an earlier result alone', () => {
    const first = snappyCompress(text(100_000, 21));
    const copy = first.slice();
    snappyCompress(randomBytes(300_000, 22));
    snappyCompress(new Uint8Array(10));
    expect(firstDifference(first, copy)).toBe(-1);
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBe(first.length);
  });

  it('round-trips an input over 8 MiB (compressed outside the kept scratch buffer)', () => {
    roundTrip(mixed(9 << 20, 31));
  });

  it('round-trips a seeded fuzz of mixed data through both implementations', () => {
    const r = prng(0x5eed);
    let total = 0;
    let nativeTotal = 0;
    for (let i = 0; i < 300; i++) {
      const n = r() < 0.2 ? (r() * 100) | 0 : (r() * 150_000) | 0;
      const input = mixed(n, (r() * 2 ** 31) | 0);
      total += roundTrip(input).length;
      nativeTotal += nativeCompress(input).length;
    }
    expect(total / nativeTotal).toBeLessThan(1.1);
  });
});

describe('snappyUncompress', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);

  it('decodes every element kind, including copy-4 and literals with 2-4 length bytes', () => {
    // 'ab', then copy-1 of 6 at offset 2, copy-2 of 3 at offset 1, copy-4 of 2 at offset 4.
    const input = bytes(13, 1 << 2, 97, 98, 1 | (2 << 2), 2, 2 | (2 << 2), 1, 0, 3 | (1 << 2), 4, 0, 0, 0);
    expect(new TextDecoder().decode(snappyUncompress(input))).toBe('abababab' + 'bbb' + 'bb');
    const literal = randomBytes(70_000, 1);
    for (const [lengthBytes, n] of [[1, 200], [2, 60_000], [3, 70_000], [4, 70_000]]) {
      const varint: number[] = [];
      for (let v = n; ; v >>>= 7) {
        if (v < 0x80) {
          varint.push(v);
          break;
        }
        varint.push((v & 0x7f) | 0x80);
      }
      const length = [0, 1, 2, 3].slice(0, lengthBytes).map((i) => ((n - 1) >>> (8 * i)) & 0xff);
      const input = concat(bytes(...varint, (59 + lengthBytes) << 2, ...length), literal.subarray(0, n));
      expect(firstDifference(snappyUncompress(input), literal.subarray(0, n))).toBe(-1);
      expect(firstDifference(nativeUncompress(input), literal.subarray(0, n))).toBe(-1);
    }
  });

  it('throws a RangeError on corrupt input', () => {
    const cases: [Uint8Array, RegExp][] = [
      [bytes(), /inside the uncompressed length/],
      [bytes(0x80), /inside the uncompressed length/],
      [bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), /longer than 5 bytes/],
      [bytes(0xff, 0xff, 0xff, 0xff, 0x1f), /over 4 GiB/],
      [bytes(0xff, 0xff, 0x03, 0), /cannot come from/],
      [bytes(5, 4 << 2, 1, 2), /past the end of the input/],
      [bytes(2, 4 << 2, 1, 2, 3, 4, 5), /overflows the uncompressed length/],
      [bytes(2, 60 << 2), /inside a literal's length/],
      [bytes(4, 0, 97, 1, 0), /offset 0/],
      [bytes(5, 0, 97, 1, 2), /offset 2 at output byte 1 points outside/],
      [bytes(5, 0, 97, 2 | (3 << 2), 1), /inside a copy/],
      [bytes(5, 0, 97, 3, 1, 0, 0), /inside a copy/],
      [bytes(5, 0, 97, 1 | (4 << 2), 1), /copy of 8 bytes overflows/],
      [bytes(3, 0, 97), /decodes to 1 bytes, its header says 3/],
    ];
    for (const [input, message] of cases) expect(() => snappyUncompress(input), String(message)).toThrow(message);
    for (const [input] of cases) expect(() => snappyUncompress(input)).toThrow(RangeError);
  });

  it('agrees with the native decoder on corrupted compressed data: the same bytes or both refuse', () => {
    const r = prng(99);
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const input = mixed(1 + ((r() * 3000) | 0), i);
      const corrupt = snappyCompress(input);
      const flips = 1 + ((r() * 3) | 0);
      for (let f = 0; f < flips; f++) corrupt[(r() * corrupt.length) | 0] = (r() * 256) | 0;
      const cut = r() < 0.3 ? corrupt.subarray(0, (r() * corrupt.length) | 0) : corrupt;
      let ours: Uint8Array | RangeError;
      try {
        ours = snappyUncompress(cut);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        ours = e as RangeError;
      }
      let native: Uint8Array | Error;
      try {
        native = nativeUncompress(cut);
      } catch (e) {
        native = e as Error;
      }
      if (ours instanceof RangeError) {
        refused++;
        expect(native, `case ${i}: ours refused (${ours.message}), native decoded`).toBeInstanceOf(Error);
      } else {
        expect(native, `case ${i}: ours decoded, native refused`).toBeInstanceOf(Uint8Array);
        expect(firstDifference(ours, native as Uint8Array)).toBe(-1);
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});
