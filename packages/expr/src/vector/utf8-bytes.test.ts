import { describe, expect, it } from 'vitest';
import { compareBytes, containsBytes, countCodepoints, encodeUtf8 } from './utf8-bytes.js';

const cmp = (a: string, b: string) => Math.sign(compareBytes(encodeUtf8(a), 0, encodeUtf8(a).length, encodeUtf8(b), 0, encodeUtf8(b).length));

describe('utf8 bytes', () => {
  it('orders by code point', () => {
    expect([cmp('a', 'b'), cmp('b', 'a'), cmp('ab', 'a'), cmp('', ''), cmp('Z', 'a'), cmp('é', 'z'), cmp('\uFFFD', '😀')]).toEqual([-1, 1, 1, 0, -1, 1, -1]);
  });

  it('finds substrings', () => {
    const hay = encodeUtf8('Ærøskøbing');
    const has = (s: string) => containsBytes(hay, 0, hay.length, encodeUtf8(s), 0, encodeUtf8(s).length);
    expect([has('køb'), has('ing'), has(''), has('kob'), has('Ærøskøbing!')]).toEqual([true, true, true, false, false]);
  });

  it('counts code points', () => {
    const b = encodeUtf8('Zoë😀');
    expect(countCodepoints(b, 0, b.length)).toBe(4);
  });
});
