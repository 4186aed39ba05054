import { TimeUnit } from 'apache-arrow';

/*
 * Text of Arrow values read from their raw buffers, exact where Arrow's getters are not: a
 * getter turns a microsecond timestamp into fractional milliseconds and a Decimal128 into an
 * unscaled big number. The text sinks (json_sink, csv_sink) write values with these.
 */

const UNITS_PER_SECOND: Record<TimeUnit, bigint> = { [TimeUnit.SECOND]: 1n, [TimeUnit.MILLISECOND]: 1000n, [TimeUnit.MICROSECOND]: 1_000_000n, [TimeUnit.NANOSECOND]: 1_000_000_000n };

/**
 * An instant as ISO 8601 at the unit's precision: `2024-01-02T03:04:05.123456Z`; with
 * `zone: false`, without the `Z` (a zone-less timestamp, which PYpeline reads as UTC).
 */
export function timestampText(value: bigint, unit: TimeUnit, zone = true): string {
  const perSecond = UNITS_PER_SECOND[unit];
  const seconds = value / perSecond - (value % perSecond < 0n ? 1n : 0n);
  const fraction = value - seconds * perSecond;
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, -5);
  const digits = perSecond.toString().length - 1;
  return `${whole}${digits ? `.${fraction.toString().padStart(digits, '0')}` : ''}${zone ? 'Z' : ''}`;
}

/** A time of day as DuckDB writes a TIME: `12:34:56.789`, the fraction without trailing zeros. */
export function timeOfDayText(value: bigint, unit: TimeUnit): string {
  const perSecond = UNITS_PER_SECOND[unit];
  const seconds = Number(value / perSecond);
  const fraction = (value % perSecond).toString().padStart(perSecond.toString().length - 1, '0').replace(/0+$/, '');
  const hms = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return fraction ? `${hms}.${fraction}` : hms;
}

/** A Decimal128/256 value (little-endian 32-bit words, two's complement) as exact text at its scale: `-1234.5000`. */
export function decimalText(words: Uint32Array, scale: number): string {
  let units = 0n;
  for (let k = words.length - 1; k >= 0; k--) units = (units << 32n) | BigInt(words[k]);
  units = BigInt.asIntN(words.length * 32, units);
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  return `${units < 0n ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`;
}
