import { describe, expect, it } from 'vitest';
import { findInvalidUtf8 } from './utf8-check.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const fatal = new TextDecoder('utf-8', { fatal: true });

describe('findInvalidUtf8', () => {
  it('accepts UTF-8, including 4-byte characters, and finds the first bad sequence with its line and column', () => {
    expect(findInvalidUtf8(bytes('a,é,😀\n'), 0, 10)).toBeNull();
    expect(findInvalidUtf8(bytes('ab\né😀x', [0xe9], 'y'), 0, 12)).toEqual({ offset: 10, byte: 0xe9, line: 2, column: 4 });
  });

  it('refuses overlong forms, surrogates, code points past U+10FFFF and cut-off sequences', () => {
    for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]]) {
      expect(findInvalidUtf8(bytes('x', bad), 0, 1 + bad.length)?.offset, JSON.stringify(bad)).toBe(1);
    }
  });

  it('agrees with the standard decoder on random bytes', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from({ length: 1 + Math.floor(random() * 6) }, () => (random() < 0.5 ? 0x61 : 0x80 + Math.floor(random() * 0x80)));
      let valid = true;
      try {
        fatal.decode(b);
      } catch {
        valid = false;
      }
      expect(findInvalidUtf8(b, 0, b.length) === null, Buffer.from(b).toString('hex')).toBe(valid);
    }
  });
});
