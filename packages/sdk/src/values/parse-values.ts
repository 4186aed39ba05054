/**
 * The one reading of text as a time, a boolean or a number, shared by select_mod casts, the
 * expression language and stream decoding, so the same text means the same value everywhere.
 * Text is trimmed first. Each function returns null for text it cannot read; the caller decides
 * whether that is a null (stream decoding) or an error (a cast).
 *
 * - Times are ISO-8601 dates or date-times: `2024-01-31`, `2024-01-31T08:30`,
 *   `2024-01-31 08:30:15.250`, `2024-01-31T08:30:00Z`, `2024-01-31T08:30:00+02:00`.
 *   WARNING: a time without a zone is UTC (how Arrow stores zone-less timestamps), never the
 *   host's local time, so a flow gives the same instants on every machine.
 * - Booleans: true/t/yes/y/1 and false/f/no/n/0, in any case.
 * - Numbers: decimal text with an optional sign, fraction and exponent (`-1.5e3`); not hex,
 *   `Infinity`, `NaN` or empty text.
 */

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Epoch milliseconds of an ISO-8601 date or date-time (zone-less = UTC), or null. Sub-millisecond digits are dropped. */
export function parseTime(text: string): number | null {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = m[7] ? fractionMs(m[7]) : 0;
  const offset = zoneOffsetMs(m[8]);
  if (offset === null) return null;
  // Arithmetic, not Date: no object per value (csv_source reads millions), and no Date.UTC
  // reading years 0-99 as 1900-1999.
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil),
 * exact for every year; `month` is 1-12.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const yy = month <= 2 ? year - 1 : year;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** true for true/t/yes/y/1, false for false/f/no/n/0 (any case), else null. */
export function parseBoolean(text: string): boolean | null {
  const word = text.trim().toLowerCase();
  return TRUE.has(word) ? true : FALSE.has(word) ? false : null;
}

/** The number decimal text spells (`-1.5e3`), or null. */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : null;
}

/** Integer text as an exact 64-bit integer (digits beyond 2^53 kept), or null when it is not one or out of range. */
export function parseInt64(text: string): bigint | null {
  const t = text.trim();
  if (!INTEGER.test(t)) return null;
  const v = BigInt(t);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1];
}

/** `.2509` as 250: the first three digits, the rest dropped (never rounded up). */
function fractionMs(fraction: string): number {
  let ms = 0;
  for (let i = 1; i <= 3; i++) ms = ms * 10 + (i < fraction.length ? fraction.charCodeAt(i) - 48 : 0);
  return ms;
}

/** `Z`, `+02`, `+0200`, `-01:30` as milliseconds east of UTC; none is UTC; null for an impossible offset. */
function zoneOffsetMs(zone: string | undefined): number | null {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || 0);
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}
