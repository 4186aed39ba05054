import { vectorFromArray, Utf8, Int32, Float64 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { keyReader } from './key-reader.js';

describe('keyReader', () => {
  it('reads strings, nulls and numbers, also from sliced vectors, with and without the interner', () => {
    const owner = {};
    const strings = vectorFromArray(['a', null, 'bb', 'a', 'é', null, 'bb'], new Utf8()).slice(1, 6);
    for (const reader of [keyReader(strings), keyReader(strings, owner), keyReader(strings, owner)]) {
      expect([0, 1, 2, 3, 4].map((r) => reader.value(r))).toEqual([null, 'bb', 'a', 'é', null]);
      expect([0, 1, 2, 3, 4].map((r) => reader.id(r))).toEqual(['nnull', 'sbb', 'sa', 'sé', 'nnull']);
    }
    const ints = keyReader(vectorFromArray([1, 2, 3], new Int32()).slice(1));
    expect([ints.value(0), ints.id(1)]).toEqual([2, 'n3']);
    const floats = keyReader(vectorFromArray([1.5, null], new Float64()));
    expect([floats.value(0), floats.value(1), floats.id(1)]).toEqual([1.5, null, 'nnull']);
  });

  it('tells a text key from a number key with the same digits', () => {
    expect(keyReader(vectorFromArray(['1'], new Utf8())).id(0)).not.toBe(keyReader(vectorFromArray([1], new Int32())).id(0));
  });
});
