import { decimalParts, describeType, isDecimal, isNumeric, sqlName, type ExprType } from '../expr-type.js';
import { formatDate, formatTimestamp, parseDate, parseInterval, parseTimestamp, US_PER_DAY } from './datetime.js';
import { EvalError } from './eval-error.js';
import { DecimalValue, INT64_MAX, INT64_MIN, IntervalValue, type Scalar } from './values.js';

/** Throws unless `v` fits BIGINT; `what` names the operation for the message. */
export function checkInt64(v: bigint, what: string): bigint {
  if (v > INT64_MAX || v < INT64_MIN) {
    throw new EvalError(`integer overflow in ${what}: the result ${v} does not fit in 64 bits`, 'cast an operand to double or decimal, e.g. cast(x AS double)');
  }
  return v;
}

/** A DOUBLE rounded to BIGINT half to even (2.5 → 2), as DuckDB casts doubles. */
function floatToInt(x: number): bigint {
  if (!Number.isFinite(x)) throw new EvalError(`cannot cast ${x} to BIGINT`, 'filter out infinite and NaN values first');
  let r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) r -= 1;
  if (Math.abs(r) >= 2 ** 63) throw new EvalError(`cannot cast ${x} to BIGINT: out of range`, 'cast to double or decimal instead');
  return checkInt64(BigInt(r), `cast(${x} AS BIGINT)`);
}

/** A number for messages: long values shortened (2.0e300), never three hundred digits. */
export function shortNumber(text: string): string {
  const digits = text.replace(/^-/, '').replace('.', '');
  if (digits.length <= 24) return text;
  const n = Number(text);
  return Number.isFinite(n) ? n.toExponential(3) : `${text.slice(0, 12)}…`;
}

export function decimalOf(v: Scalar, from: ExprType, scale: number): DecimalValue {
  if (v instanceof DecimalValue) return v.rescale(scale);
  if (typeof v === 'bigint') return new DecimalValue(v * 10n ** BigInt(scale), scale);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new EvalError(`cannot cast ${v} to DECIMAL`);
    // As DuckDB: x * 10^s in double arithmetic, rounded half away from zero (2.675 → 2.68, and
    // 1.005 → 1.00 because 1.005 * 100 is 100.49999999999999); the exact binary value beyond 2^53.
    const scaled = v * 10 ** scale;
    if (Math.abs(scaled) < 2 ** 53) return new DecimalValue(BigInt(scaled < 0 ? -Math.round(-scaled) : Math.round(scaled)), scale);
    if (Math.abs(v) >= 1e21) return new DecimalValue(BigInt(v) * 10n ** BigInt(scale), scale);
    return decimalFromText(v.toFixed(Math.min(scale, 100)), scale) ?? new DecimalValue(0n, scale);
  }
  if (typeof v === 'string') {
    const d = decimalFromText(v.trim(), scale);
    if (!d) throw new EvalError(`cannot cast '${v}' to DECIMAL`, 'the text must be a number such as 12.50');
    return d;
  }
  throw new EvalError(`cannot cast ${describeType(from)} to DECIMAL`);
}

/** Exact reading of decimal text (`-12.345`, `1e3`), rounded half away from zero to `scale`. */
export function decimalFromText(text: string, scale: number): DecimalValue | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const digits = `${m[2]}${m[3] ?? ''}` || '0';
  const exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  const units = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  const value = exp >= 0 ? new DecimalValue(units * 10n ** BigInt(exp), 0) : new DecimalValue(units, -exp);
  return value.rescale(scale);
}

/** DuckDB prints doubles in their shortest round-trip form: `.0` on whole numbers, `1e+16`, `5e-05`. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0.0';
  const ax = Math.abs(x);
  // DuckDB switches to an exponent from 1e16 up and below 1e-4, with at least two exponent digits.
  if (ax !== 0 && (ax >= 1e16 || ax < 1e-4)) {
    const [mantissa, exponent] = x.toExponential().split('e');
    return `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
  }
  if (Number.isInteger(x)) return `${x}.0`;
  return String(x);
}

/** The text of a value, as cast(x AS VARCHAR) and `||` write it. */
export function formatValue(v: Scalar, type: ExprType): string {
  if (v === null) return '';
  switch (type) {
    case 'date': return formatDate(v as number);
    case 'timestamp': return formatTimestamp(v as number);
    case 'float': return formatFloat(v as number);
  }
  return String(v);
}

const BIGINT_TEXT = /^\s*[+-]?\d+\s*$/;
// DuckDB reads hexadecimal integer text ('0x10' is 16) but no hex, octal or binary doubles, which Number() would.
const HEX_TEXT = /^\s*0x[0-9a-f]+\s*$/i;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/;

/**
 * cast(v AS to) for a value of static type `from`. Throws EvalError when the value cannot be
 * converted (try_cast turns that into null). Follows DuckDB: floats round to integers, text is
 * trimmed, booleans read true/false/t/f/yes/no/1/0.
 */
export function castScalar(v: Scalar, from: ExprType, to: ExprType): Scalar {
  if (v === null || from === to) return v;
  const fail = (hint?: string): never => {
    const shown = typeof v === 'string' ? `'${v}'` : formatValue(v, from);
    throw new EvalError(`cannot cast ${shown} (${sqlName(from)}) to ${sqlName(to)}`, hint);
  };
  if (isDecimal(to)) {
    const { precision, scale } = decimalParts(to);
    const d = decimalOf(v, from, scale);
    if (d.units >= 10n ** BigInt(precision) || d.units <= -(10n ** BigInt(precision))) {
      throw new EvalError(`cannot cast ${shortNumber(typeof v === 'string' ? v : formatValue(v, from))} to ${sqlName(to)}: out of range`, 'use a wider decimal or cast to double');
    }
    return d;
  }
  switch (to) {
    case 'string':
      return formatValue(v, from);
    case 'integer':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return from === 'float' ? floatToInt(v) : BigInt(v);
      if (typeof v === 'boolean') return v ? 1n : 0n;
      if (v instanceof DecimalValue) return checkInt64(v.rescale(0).units, `cast(${v} AS BIGINT)`);
      if (typeof v === 'string') {
        if (BIGINT_TEXT.test(v) || HEX_TEXT.test(v)) return checkInt64(BigInt(v.trim()), `cast('${v}' AS BIGINT)`);
        // Decimal text rounds half away from zero ('2.5' → 3), as DuckDB reads it.
        const d = decimalFromText(v.trim(), 0);
        if (d) return checkInt64(d.units, `cast('${v}' AS BIGINT)`);
        return fail('the text must be a whole number such as 42');
      }
      return fail();
    case 'float':
      if (typeof v === 'number' && from !== 'date' && from !== 'timestamp') return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (v instanceof DecimalValue) return v.toNumber();
      if (typeof v === 'string') {
        const t = v.trim().toLowerCase();
        if (t === 'inf' || t === 'infinity' || t === '+inf') return Infinity;
        if (t === '-inf' || t === '-infinity') return -Infinity;
        if (t === 'nan') return NaN;
        const x = Number(t);
        if (FLOAT_TEXT.test(t) && Number.isFinite(x)) return x;
        return fail('the text must be a number such as 3.14');
      }
      return fail();
    case 'boolean':
      if (typeof v === 'bigint') return v !== 0n;
      if (typeof v === 'number' && from === 'float') return v !== 0;
      if (v instanceof DecimalValue) return v.units !== 0n;
      if (typeof v === 'string') {
        const t = v.trim().toLowerCase();
        if (['true', 't', 'yes', 'y', '1'].includes(t)) return true;
        if (['false', 'f', 'no', 'n', '0'].includes(t)) return false;
        return fail('write true or false');
      }
      return fail();
    case 'date':
      if (from === 'timestamp') return Math.floor((v as number) / US_PER_DAY);
      if (typeof v === 'string') {
        const t = parseTimestamp(v);
        if (t && !t.hasTime) return Math.floor(t.us / US_PER_DAY);
        if (t) return Math.floor(t.us / US_PER_DAY);
        return fail("write a date as 'YYYY-MM-DD'");
      }
      return fail();
    case 'timestamp':
      if (from === 'date') return (v as number) * US_PER_DAY;
      if (typeof v === 'string') {
        const t = parseTimestamp(v);
        if (t) return t.us;
        return fail("write a timestamp as 'YYYY-MM-DD HH:MM:SS' (optionally with a zone such as Z or +02:00)");
      }
      return fail();
    case 'interval':
      if (typeof v === 'string') return parseInterval(v) ?? fail("write an interval such as '3 days', '1 month' or '2 hours 30 minutes'");
      if (v instanceof IntervalValue) return v;
      return fail();
  }
  if (isNumeric(from) && isNumeric(to)) return v;
  return fail();
}

/** A string that must be a date: for comparing a date column with `'2024-01-31'`. */
export function dateFromText(text: string): number | null {
  return parseDate(text);
}
