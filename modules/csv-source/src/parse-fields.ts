/**
 * Value parsers over UTF-8/latin1 bytes: no string is made for a value that parses. Each reads
 * the longest value of its kind starting at `s` (never past `e`), puts it in `parsed`, and
 * returns where it stopped, or -1 when no value starts there. The parser then checks that a
 * delimiter or line break follows, so a numeric field is read in one pass. Type inference uses
 * the same functions, so a value inference accepted always parses.
 */
import { daysFromCivil, parseTime } from '@pypeline/sdk';

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_32 = 4294967296;
const SAFE_DIGITS = 15;

/** The value read by the last successful call (a module-level slot avoids an allocation per value). */
export const parsed = { value: 0, hi: 0 };

/** `[+-]?\d+` within int32. */
export function readInt32(b: Uint8Array, s: number, e: number): number {
  const stop = readSafeInt(b, s, e);
  return stop >= 0 && parsed.value >= INT32_MIN && parsed.value <= INT32_MAX ? stop : -1;
}

/** `[+-]?\d+` within int64: parsed.value holds the low 32 bits, parsed.hi the high 32 bits. */
export function readInt64(b: Uint8Array, s: number, e: number): number {
  let stop = readSafeInt(b, s, e);
  if (stop >= 0) {
    const v = parsed.value;
    const hi = Math.floor(v / TWO_32);
    parsed.hi = hi | 0;
    parsed.value = (v - hi * TWO_32) | 0;
    return stop;
  }
  stop = digitsEnd(b, s, e);
  if (stop < 0) return -1;
  // Beyond 15 digits: exactness matters more than speed, and such values are rare.
  const big = BigInt(latin1Text(b, s, stop));
  if (big < INT64_MIN || big > INT64_MAX) return -1;
  const u = BigInt.asUintN(64, big);
  parsed.value = Number(u & 0xffffffffn) | 0;
  parsed.hi = Number(u >> 32n) | 0;
  return stop;
}

function readSafeInt(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c0 = b[i];
  if (c0 === 45) {
    neg = true;
    i++;
  } else if (c0 === 43) i++;
  const first = i;
  let v = 0;
  for (; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (i === first || i - first > SAFE_DIGITS) return -1;
  parsed.value = neg ? -v : v;
  return i;
}

/** End of `[+-]?\d+` from s, or -1. */
function digitsEnd(b: Uint8Array, s: number, e: number): number {
  let i = s;
  if (b[i] === 45 || b[i] === 43) i++;
  const first = i;
  while (i < e && b[i] >= 48 && b[i] <= 57) i++;
  return i === first ? -1 : i;
}

/**
 * `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`. Up to 15 significant digits and a power of ten up
 * to 22 take one exact multiplication or division (correctly rounded, as Number() is);
 * anything longer goes through Number() on the text.
 */
export function readFloat64(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (b[i] === 45) {
    neg = true;
    i++;
  } else if (b[i] === 43) i++;
  const mantissa = i;
  let m = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  for (; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    if (m !== 0) digits++;
    any = true;
  }
  if (i < e && b[i] === 46) {
    i++;
    for (; i < e; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      if (m !== 0) digits++;
      scale--;
      any = true;
    }
  }
  if (!any) return -1;
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    let j = i + 1;
    let eneg = false;
    if (b[j] === 45) {
      eneg = true;
      j++;
    } else if (b[j] === 43) j++;
    const first = j;
    let x = 0;
    for (; j < e; j++) {
      const d = b[j] - 48;
      if (d < 0 || d > 9) break;
      if (x < 100000) x = x * 10 + d;
    }
    // "1e" or "1e+" is not a number with an exponent; stop before the `e` and let the caller see it.
    if (j > first) {
      scale += eneg ? -x : x;
      i = j;
    }
  }
  let v: number;
  if (digits <= SAFE_DIGITS && scale >= -22 && scale <= 22) v = scale < 0 ? m / POW10[-scale] : m * POW10[scale];
  else v = Number(latin1Text(b, mantissa, i));
  parsed.value = neg ? -v : v;
  return i;
}


/** `YYYY-MM-DD`, a real calendar date, as days since 1970-01-01. */
export function readDate(b: Uint8Array, s: number, e: number): number {
  if (e - s < 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return -1;
  const y0 = b[s] - 48, y1 = b[s + 1] - 48, y2 = b[s + 2] - 48, y3 = b[s + 3] - 48;
  const m0 = b[s + 5] - 48, m1 = b[s + 6] - 48, d0 = b[s + 8] - 48, d1 = b[s + 9] - 48;
  // One unsigned compare per digit: a byte below '0' wraps to a large number.
  if ((y0 >>> 0) > 9 || (y1 >>> 0) > 9 || (y2 >>> 0) > 9 || (y3 >>> 0) > 9 || (m0 >>> 0) > 9 || (m1 >>> 0) > 9 || (d0 >>> 0) > 9 || (d1 >>> 0) > 9) return -1;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const m = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (m < 1 || m > 12 || d < 1) return -1;
  const leap = (y & 3) === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])) return -1;
  parsed.value = monthStart(y, m) + d - 1;
  return s + 10;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const CACHED_FROM = 1900;
const CACHED_YEARS = 300;
/** Days since 1970-01-01 of the first of each month, for years 1900-2199 (filled on first use). */
const MONTH_STARTS = new Int32Array(CACHED_YEARS * 12).fill(-0x7fffffff);

function monthStart(y: number, m: number): number {
  const k = (y - CACHED_FROM) * 12 + m - 1;
  if (k < 0 || k >= MONTH_STARTS.length) return daysFromCivil(y, m, 1);
  let v = MONTH_STARTS[k];
  if (v === -0x7fffffff) v = MONTH_STARTS[k] = daysFromCivil(y, m, 1);
  return v;
}

/**
 * A boolean word in any case, as 1 or 0: `true`/`false`, `t`/`f`, `yes`/`no`, the words DuckDB's
 * CSV sniffer reads as BOOLEAN. Not `1`/`0` (an integer column) nor `y`/`n` (DuckDB: text); the
 * shared parser's casts accept those too.
 */
export function readBool(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n <= 0) return -1;
  const c0 = b[s] | 32;
  if (c0 === 116) {
    parsed.value = 1;
    return n >= 4 && (b[s + 1] | 32) === 114 && (b[s + 2] | 32) === 117 && (b[s + 3] | 32) === 101 ? s + 4 : s + 1;
  }
  if (c0 === 102) {
    parsed.value = 0;
    return n >= 5 && (b[s + 1] | 32) === 97 && (b[s + 2] | 32) === 108 && (b[s + 3] | 32) === 115 && (b[s + 4] | 32) === 101 ? s + 5 : s + 1;
  }
  if (c0 === 121 && n >= 3 && (b[s + 1] | 32) === 101 && (b[s + 2] | 32) === 115) {
    parsed.value = 1;
    return s + 3;
  }
  if (c0 === 110 && n >= 2 && (b[s + 1] | 32) === 111) {
    parsed.value = 0;
    return s + 2;
  }
  return -1;
}

/** Bytes a date-time can hold: digits and `-:.+ TtZz`. */
const TIME_BYTES = new Uint8Array(256);
for (const c of '0123456789-:.+ TtZz') TIME_BYTES[c.charCodeAt(0)] = 1;

/**
 * An ISO 8601 date or date-time (`2024-01-31 08:30:00`, `2024-01-31T08:30:00.250Z`,
 * `...+02:00`) read by the shared parser, so a zone-less time is UTC as everywhere else:
 * epoch milliseconds, low 32 bits in parsed.value and high 32 bits in parsed.hi.
 */
export function readTimestamp(b: Uint8Array, s: number, e: number): number {
  if (e - s < 10 || b[s + 4] !== 45 || (b[s] - 48) >>> 0 > 9) return -1;
  let stop = s;
  while (stop < e && TIME_BYTES[b[stop]] === 1) stop++;
  // One string per value: fromCharCode over the bytes (ASCII here) beats appending char by char.
  const ms = parseTime(String.fromCharCode.apply(null, b.subarray(s, stop) as unknown as number[]));
  if (ms === null) return -1;
  const hi = Math.floor(ms / TWO_32);
  parsed.hi = hi | 0;
  parsed.value = (ms - hi * TWO_32) | 0;
  return stop;
}

/** Bytes as text, one char per byte: exact for the ASCII that numbers are made of. */
export function latin1Text(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}
