/** An exact DECIMAL value: `units / 10^scale`. */
export class DecimalValue {
  constructor(readonly units: bigint, readonly scale: number) {}
  toString(): string {
    const neg = this.units < 0n;
    const digits = (neg ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const text = this.scale === 0 ? digits : `${digits.slice(0, -this.scale)}.${digits.slice(-this.scale)}`;
    return neg ? `-${text}` : text;
  }
  toNumber(): number {
    return Number(this.toString());
  }
  /** The same value at another scale; rounds half away from zero when the scale shrinks. */
  rescale(scale: number): DecimalValue {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new DecimalValue(this.units * 10n ** BigInt(scale - this.scale), scale);
    const f = 10n ** BigInt(this.scale - scale);
    const q = this.units / f;
    const r = this.units % f;
    const away = (r < 0n ? -r : r) * 2n >= f ? (this.units < 0n ? -1n : 1n) : 0n;
    return new DecimalValue(q + away, scale);
  }
}

/** DuckDB's INTERVAL: months, days and microseconds kept apart (a month is not a fixed number of days). */
export class IntervalValue {
  constructor(readonly months: number, readonly days: number, readonly micros: number) {}
  toString(): string {
    const parts: string[] = [];
    const y = Math.trunc(this.months / 12);
    const m = this.months % 12;
    if (y) parts.push(`${y} year${Math.abs(y) === 1 ? '' : 's'}`);
    if (m) parts.push(`${m} month${Math.abs(m) === 1 ? '' : 's'}`);
    if (this.days) parts.push(`${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}`);
    if (this.micros || parts.length === 0) {
      const neg = this.micros < 0;
      let us = Math.abs(this.micros);
      const h = Math.floor(us / 3_600_000_000);
      us -= h * 3_600_000_000;
      const min = Math.floor(us / 60_000_000);
      us -= min * 60_000_000;
      const s = Math.floor(us / 1_000_000);
      const frac = us - s * 1_000_000;
      const p = (n: number) => String(n).padStart(2, '0');
      parts.push(`${neg ? '-' : ''}${p(h)}:${p(min)}:${p(s)}${frac ? `.${String(frac).padStart(6, '0').replace(/0+$/, '')}` : ''}`);
    }
    return parts.join(' ');
  }
  /** Microseconds with a month as 30 days and a day as 24 hours (DuckDB's epoch(interval)). */
  approxMicros(): number {
    return (this.months * 30 + this.days) * 86_400_000_000 + this.micros;
  }
}

/**
 * A value while evaluating without Arrow data: `integer` is bigint, `float` number, decimals
 * DecimalValue, `date` whole days since 1970-01-01 (number), `timestamp` microseconds since the
 * epoch, UTC (number), `interval` IntervalValue.
 */
export type Scalar = number | bigint | string | boolean | null | DecimalValue | IntervalValue;

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);
