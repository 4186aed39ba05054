import { describe, expect, it } from 'vitest';
import { andValid, maskToIndices, unpackBits } from './masks.js';

describe('masks', () => {
  const bits = Uint8Array.of(0b10110101, 0b01001110, 0b11111111);
  const reference = (offset: number, n: number) => Array.from({ length: n }, (_, i) => (bits[(offset + i) >> 3] >> ((offset + i) & 7)) & 1);

  it('unpacks bitmaps at aligned and unaligned offsets', () => {
    for (const offset of [0, 3, 8, 13]) {
      for (const n of [0, 5, 8, 11]) expect(Array.from(unpackBits(bits, offset, n)), `${offset}/${n}`).toEqual(reference(offset, n));
    }
  });

  it('combines validity, keeping "no nulls" as null', () => {
    expect(andValid(null, null, 3)).toBeNull();
    expect(Array.from(andValid(Uint8Array.of(1, 0, 1), Uint8Array.of(1, 1, 0), 3)!)).toEqual([1, 0, 0]);
  });

  it('turns a mask into the indices of valid true rows', () => {
    expect(Array.from(maskToIndices(Uint8Array.of(1, 1, 0, 1), Uint8Array.of(1, 0, 1, 1), 4))).toEqual([0, 3]);
    expect(Array.from(maskToIndices(Uint8Array.of(0, 1, 1), null, 3))).toEqual([1, 2]);
  });
});
