import { TimeUnit } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decimalText, timeOfDayText, timestampText } from './arrow-text.js';

describe('timestampText', () => {
  it('writes every digit of the unit, before 1970 too', () => {
    expect(timestampText(1_704_164_645_123_456n, TimeUnit.MICROSECOND)).toBe('2024-01-02T03:04:05.123456Z');
    expect(timestampText(-1n, TimeUnit.NANOSECOND)).toBe('1969-12-31T23:59:59.999999999Z');
    expect(timestampText(-500n, TimeUnit.MILLISECOND, false)).toBe('1969-12-31T23:59:59.500');
    expect(timestampText(0n, TimeUnit.SECOND)).toBe('1970-01-01T00:00:00Z');
  });
});

describe('timeOfDayText', () => {
  it('drops trailing zeros of the fraction, as DuckDB writes a TIME', () => {
    expect(timeOfDayText(45_296_789_000n, TimeUnit.MICROSECOND)).toBe('12:34:56.789');
    expect(timeOfDayText(86_399n, TimeUnit.SECOND)).toBe('23:59:59');
  });
});

describe('decimalText', () => {
  it('reads two’s complement words at the scale, exactly', () => {
    const words = (value: bigint) => {
      const out = new Uint32Array(4);
      for (let k = 0; k < 4; k++) out[k] = Number(BigInt.asUintN(32, value >> BigInt(32 * k)));
      return out;
    };
    expect(decimalText(words(-12_345_000n), 4)).toBe('-1234.5000');
    expect(decimalText(words(5n), 3)).toBe('0.005');
    expect(decimalText(words(10n ** 37n + 1n), 0)).toBe('10000000000000000000000000000000000001');
  });
});
