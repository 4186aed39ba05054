import { describe, expect, it } from 'vitest';
import { int64ToFloat64 } from './int64.js';

describe('int64ToFloat64', () => {
  it('converts signed and unsigned values without BigInt per cell', () => {
    const signed = BigInt64Array.of(0n, -1n, 2n ** 40n, -(2n ** 52n), 123456789012n);
    expect(Array.from(int64ToFloat64(signed, 5))).toEqual([0, -1, 2 ** 40, -(2 ** 52), 123456789012]);
    const unsigned = BigUint64Array.of(2n ** 63n, 1n);
    expect(Array.from(int64ToFloat64(unsigned, 2))).toEqual([2 ** 63, 1]);
  });

  it('scales, e.g. microseconds to milliseconds', () => {
    expect(Array.from(int64ToFloat64(BigInt64Array.of(1_706_659_200_000_000n), 1, 1e-3))).toEqual([1_706_659_200_000]);
  });

  it('reads a subarray at its own offset', () => {
    expect(Array.from(int64ToFloat64(BigInt64Array.of(1n, 2n, 3n).subarray(1), 2))).toEqual([2, 3]);
  });
});
