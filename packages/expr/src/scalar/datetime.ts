/**
 * Calendar arithmetic on the language's time values: a date is whole days since 1970-01-01, a
 * timestamp is microseconds since 1970-01-01 00:00 UTC (no time zones: every timestamp is UTC,
 * so daylight-saving changes never shift a value). Proleptic Gregorian calendar, as DuckDB.
 */
import { EvalError } from './eval-error.js';
import { IntervalValue } from './values.js';

export const US_PER_SECOND = 1_000_000;
export const US_PER_MINUTE = 60 * US_PER_SECOND;
export const US_PER_HOUR = 60 * US_PER_MINUTE;
export const US_PER_DAY = 24 * US_PER_HOUR;

export interface Civil {
  year: number;
  month: number;
  day: number;
}

/** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export const daysInMonth = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];

/** Splits a timestamp into its day and the microseconds into that day. */
export function splitTimestamp(us: number): { days: number; time: number } {
  const days = Math.floor(us / US_PER_DAY);
  return { days, time: us - days * US_PER_DAY };
}

export interface Fields extends Civil {
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

export function fieldsOf(us: number): Fields {
  const { days, time } = splitTimestamp(us);
  const c = civilFromDays(days);
  return {
    ...c,
    hour: Math.floor(time / US_PER_HOUR),
    minute: Math.floor((time % US_PER_HOUR) / US_PER_MINUTE),
    second: Math.floor((time % US_PER_MINUTE) / US_PER_SECOND),
    micros: time % US_PER_SECOND,
  };
}

export function timestampOf(f: Partial<Fields> & Civil): number {
  return daysFromCivil(f.year, f.month, f.day) * US_PER_DAY + (f.hour ?? 0) * US_PER_HOUR + (f.minute ?? 0) * US_PER_MINUTE
    + (f.second ?? 0) * US_PER_SECOND + (f.micros ?? 0);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const padYear = (y: number) => (y < 0 ? `-${pad(-y, 4)}` : pad(y, 4));

export function formatDate(days: number): string {
  const c = civilFromDays(days);
  return `${padYear(c.year)}-${pad(c.month)}-${pad(c.day)}`;
}

/** `2024-01-31 08:30:00`, with `.ffffff` (trailing zeros dropped) when there are fractions, as DuckDB. */
export function formatTimestamp(us: number): string {
  const f = fieldsOf(us);
  const frac = f.micros === 0 ? '' : `.${pad(f.micros, 6).replace(/0+$/, '')}`;
  return `${padYear(f.year)}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${frac}`;
}

const ISO = /^\s*(-?\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.ffffff]]` (or with `T`), optionally followed by `Z`
 * or an offset such as `+02:00` (converted to UTC). Null when the text is not such a value.
 */
export function parseTimestamp(text: string): { us: number; hasTime: boolean } | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  if (hour > 24 || minute > 59 || second > 60) return null;
  const micros = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1e6 + 1e-7) : 0;
  let us = timestampOf({ year, month, day, hour, minute, second, micros });
  const zone = m[8]?.toUpperCase();
  if (zone && zone !== 'Z' && zone !== 'UTC') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    us -= sign * (Number(digits.slice(0, 2)) * US_PER_HOUR + Number(digits.slice(2) || 0) * US_PER_MINUTE);
  }
  return { us, hasTime: m[4] !== undefined };
}

export function parseDate(text: string): number | null {
  const t = parseTimestamp(text);
  if (!t || t.hasTime) return null;
  return Math.floor(t.us / US_PER_DAY);
}

// ---- intervals ----

const INTERVAL_UNITS: Record<string, [keyof IntervalParts, number]> = {
  year: ['months', 12], month: ['months', 1], week: ['days', 7], day: ['days', 1],
  hour: ['micros', US_PER_HOUR], minute: ['micros', US_PER_MINUTE], second: ['micros', US_PER_SECOND],
  millisecond: ['micros', 1000], microsecond: ['micros', 1], decade: ['months', 120], century: ['months', 1200], quarter: ['months', 3],
};

interface IntervalParts { months: number; days: number; micros: number }

/** Unit words as written: `days`, `hrs`, `min`, `ms` … to the canonical unit. */
export function canonicalUnit(word: string): string | null {
  const w = word.toLowerCase().trim();
  const aliases: Record<string, string> = {
    y: 'year', yr: 'year', yrs: 'year', years: 'year', mon: 'month', mons: 'month', months: 'month', w: 'week', weeks: 'week',
    d: 'day', days: 'day', h: 'hour', hr: 'hour', hrs: 'hour', hours: 'hour', m: 'minute', min: 'minute', mins: 'minute', minutes: 'minute',
    s: 'second', sec: 'second', secs: 'second', seconds: 'second', ms: 'millisecond', msec: 'millisecond', milliseconds: 'millisecond',
    us: 'microsecond', usec: 'microsecond', microseconds: 'microsecond', quarters: 'quarter', decades: 'decade', centuries: 'century',
    dow: 'dayofweek', doy: 'dayofyear', isodow: 'isodow', weekday: 'dayofweek', millennium: 'millennium', millennia: 'millennium',
    millenniums: 'millennium', epoch: 'epoch', yearweek: 'yearweek', isoyear: 'isoyear',
  };
  const unit = aliases[w] ?? w;
  return /^[a-z]+$/.test(unit) ? unit : null;
}

/** `'3 days'`, `'1 year 2 months'`, `'2 hours 30 minutes'`, `'1:30:00'`, `'-1 day'`. Null if unreadable. */
export function parseInterval(text: string): IntervalValue | null {
  const parts: IntervalParts = { months: 0, days: 0, micros: 0 };
  let rest = text.trim().toLowerCase();
  if (rest === '') return null;
  while (rest !== '') {
    const clock = /^([+-]?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?\s*/.exec(rest);
    if (clock) {
      const sign = clock[1] === '-' ? -1 : 1;
      parts.micros += sign * (Number(clock[2]) * US_PER_HOUR + Number(clock[3]) * US_PER_MINUTE + Math.round(Number(clock[4] ?? 0) * US_PER_SECOND));
      rest = rest.slice(clock[0].length);
      continue;
    }
    const m = /^([+-]?\d+(?:\.\d+)?)\s*([a-z]+)\s*,?\s*/.exec(rest);
    if (!m) return null;
    const unit = canonicalUnit(m[2]);
    const spec = unit ? INTERVAL_UNITS[unit] : undefined;
    if (!spec) return null;
    const amount = Number(m[1]) * spec[1];
    if (spec[0] !== 'micros' && !Number.isInteger(amount)) {
      // `1.5 days` → 1 day 12 hours, as DuckDB spreads fractions down.
      const whole = Math.trunc(amount);
      parts[spec[0]] += whole;
      parts.micros += Math.round((amount - whole) * (spec[0] === 'months' ? 30 * US_PER_DAY : US_PER_DAY));
    } else {
      parts[spec[0]] += Math.round(amount);
    }
    rest = rest.slice(m[0].length);
  }
  return new IntervalValue(parts.months, parts.days, parts.micros);
}

/** Adds months, clamping the day to the month's end (Jan 31 + 1 month = Feb 29 in 2024), as DuckDB. */
export function addMonthsToDays(days: number, months: number): number {
  if (months === 0) return days;
  const c = civilFromDays(days);
  const total = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  return daysFromCivil(year, month, Math.min(c.day, daysInMonth(year, month)));
}

export function addInterval(us: number, iv: IntervalValue, sign: 1 | -1): number {
  const { days, time } = splitTimestamp(us);
  const shifted = addMonthsToDays(days, sign * iv.months) + sign * iv.days;
  return shifted * US_PER_DAY + time + sign * iv.micros;
}

// ---- parts, truncation, differences ----

/** ISO week number and ISO year of a day. */
export function isoWeek(days: number): { week: number; year: number } {
  const dow = isoDow(days);
  const thursday = days + (4 - dow);
  const year = civilFromDays(thursday).year;
  const jan1 = daysFromCivil(year, 1, 1);
  return { week: Math.floor((thursday - jan1) / 7) + 1, year };
}

/** 1 = Monday … 7 = Sunday. */
export const isoDow = (days: number) => ((((days + 3) % 7) + 7) % 7) + 1;

export const DATE_PARTS = ['year', 'quarter', 'month', 'week', 'day', 'dayofweek', 'isodow', 'dayofyear', 'hour', 'minute', 'second',
  'millisecond', 'microsecond', 'epoch', 'decade', 'century', 'millennium', 'isoyear', 'yearweek'] as const;

/** date_part(unit, t) for the integer parts; `epoch` is handled by the caller (it is a float). */
export function datePart(unit: string, us: number): number {
  const f = fieldsOf(us);
  const days = Math.floor(us / US_PER_DAY);
  switch (unit) {
    case 'year': return f.year;
    case 'quarter': return Math.floor((f.month - 1) / 3) + 1;
    case 'month': return f.month;
    case 'week': return isoWeek(days).week;
    case 'isoyear': return isoWeek(days).year;
    case 'yearweek': { const w = isoWeek(days); return w.year * 100 + w.week; }
    case 'day': return f.day;
    case 'dayofweek': return isoDow(days) % 7;
    case 'isodow': return isoDow(days);
    case 'dayofyear': return days - daysFromCivil(f.year, 1, 1) + 1;
    case 'hour': return f.hour;
    case 'minute': return f.minute;
    case 'second': return f.second;
    case 'millisecond': return f.second * 1000 + Math.floor(f.micros / 1000);
    case 'microsecond': return f.second * 1_000_000 + f.micros;
    case 'decade': return Math.floor(f.year / 10);
    case 'century': return f.year > 0 ? Math.floor((f.year - 1) / 100) + 1 : -Math.floor(-f.year / 100) - 1;
    case 'millennium': return f.year > 0 ? Math.floor((f.year - 1) / 1000) + 1 : -Math.floor(-f.year / 1000) - 1;
  }
  throw new EvalError(`unknown date part '${unit}'`, `use one of ${DATE_PARTS.join(', ')}`);
}

export const TRUNC_UNITS = ['millennium', 'century', 'decade', 'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond'];

export function dateTrunc(unit: string, us: number): number {
  const f = fieldsOf(us);
  const days = Math.floor(us / US_PER_DAY);
  switch (unit) {
    // As DuckDB: the multiple of 1000/100 (2000-01-01 for 2024), though date_part('century') counts from 1.
    case 'millennium': return timestampOf({ year: Math.floor(f.year / 1000) * 1000, month: 1, day: 1 });
    case 'century': return timestampOf({ year: Math.floor(f.year / 100) * 100, month: 1, day: 1 });
    case 'decade': return timestampOf({ year: Math.floor(f.year / 10) * 10, month: 1, day: 1 });
    case 'year': return timestampOf({ year: f.year, month: 1, day: 1 });
    case 'quarter': return timestampOf({ year: f.year, month: Math.floor((f.month - 1) / 3) * 3 + 1, day: 1 });
    case 'month': return timestampOf({ year: f.year, month: f.month, day: 1 });
    case 'week': return (days - isoDow(days) + 1) * US_PER_DAY;
    case 'day': return days * US_PER_DAY;
    case 'hour': return Math.floor(us / US_PER_HOUR) * US_PER_HOUR;
    case 'minute': return Math.floor(us / US_PER_MINUTE) * US_PER_MINUTE;
    case 'second': return Math.floor(us / US_PER_SECOND) * US_PER_SECOND;
    case 'millisecond': return Math.floor(us / 1000) * 1000;
    case 'microsecond': return us;
  }
  throw new EvalError(`unknown date_trunc unit '${unit}'`, `use one of ${TRUNC_UNITS.join(', ')}`);
}

const FIXED_US: Record<string, number> = { day: US_PER_DAY, hour: US_PER_HOUR, minute: US_PER_MINUTE, second: US_PER_SECOND, millisecond: 1000, microsecond: 1 };
const MONTHS_PER: Record<string, number> = { year: 12, quarter: 3, month: 1, decade: 120, century: 1200, millennium: 12000 };

/** date_diff: how many `unit` boundaries lie between a and b (DuckDB's date_diff). */
export function dateDiff(unit: string, a: number, b: number): number {
  if (unit in MONTHS_PER) {
    const per = MONTHS_PER[unit];
    const fa = fieldsOf(a);
    const fb = fieldsOf(b);
    return Math.floor((fb.year * 12 + fb.month - 1) / per) - Math.floor((fa.year * 12 + fa.month - 1) / per);
  }
  if (unit === 'week') return Math.trunc((Math.floor(b / US_PER_DAY) - Math.floor(a / US_PER_DAY)) / 7);
  const size = FIXED_US[unit];
  if (size === undefined) throw new EvalError(`unknown date_diff unit '${unit}'`, 'use year, quarter, month, week, day, hour, minute, second, millisecond or microsecond');
  return Math.floor(b / size) - Math.floor(a / size);
}

/** date_sub: how many whole `unit`s fit between a and b (DuckDB's date_sub). */
export function dateSub(unit: string, a: number, b: number): number {
  if (unit in MONTHS_PER) {
    const per = MONTHS_PER[unit];
    const fa = fieldsOf(a);
    const fb = fieldsOf(b);
    let months = (fb.year - fa.year) * 12 + (fb.month - fa.month);
    // A month is complete once b reaches a's day and time of day (or b's month ends first).
    const aRest = timeInMonth(fa);
    const bRest = timeInMonth(fb);
    const bAtEnd = fb.day === daysInMonth(fb.year, fb.month) && fb.hour === 0 && fb.minute === 0 && fb.second === 0 && fb.micros === 0 && fa.day > fb.day;
    if (months > 0 && bRest < aRest && !bAtEnd) months--;
    if (months < 0 && bRest > aRest) months++;
    return Math.trunc(months / per);
  }
  if (unit === 'week') return Math.trunc((b - a) / (7 * US_PER_DAY));
  const size = FIXED_US[unit];
  if (size === undefined) throw new EvalError(`unknown date_sub unit '${unit}'`, 'use year, quarter, month, week, day, hour, minute, second, millisecond or microsecond');
  return Math.trunc((b - a) / size);
}

const timeInMonth = (f: Fields) => (f.day - 1) * US_PER_DAY + f.hour * US_PER_HOUR + f.minute * US_PER_MINUTE + f.second * US_PER_SECOND + f.micros;

// ---- strftime / strptime ----

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** C/DuckDB format codes: %Y %y %m %-m %d %-d %e %H %-H %I %M %S %f %g %p %b %B %a %A %j %w %u %V %G %U %W %c %x %X %T %h %n %z %Z %%. */
export function strftime(us: number, format: string): string {
  const f = fieldsOf(us);
  const days = Math.floor(us / US_PER_DAY);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    let code = format[++i];
    const unpadded = code === '-';
    if (unpadded) code = format[++i];
    const p = (n: number, w = 2) => (unpadded ? String(n) : pad(n, w));
    switch (code) {
      case 'Y': out += String(f.year); break;
      case 'y': out += p(f.year % 100); break;
      case 'm': out += p(f.month); break;
      case 'd': out += p(f.day); break;
      case 'e': out += String(f.day).padStart(2, ' '); break;
      case 'H': out += p(f.hour); break;
      case 'I': out += p(f.hour % 12 === 0 ? 12 : f.hour % 12); break;
      case 'M': out += p(f.minute); break;
      case 'S': out += p(f.second); break;
      case 'f': out += pad(f.micros, 6); break;
      case 'g': out += pad(Math.floor(f.micros / 1000), 3); break;
      case 'p': out += f.hour < 12 ? 'AM' : 'PM'; break;
      case 'b': out += MONTHS[f.month - 1].slice(0, 3); break;
      case 'B': out += MONTHS[f.month - 1]; break;
      case 'a': out += WEEKDAYS[isoDow(days) % 7].slice(0, 3); break;
      case 'A': out += WEEKDAYS[isoDow(days) % 7]; break;
      case 'j': out += p(datePart('dayofyear', us), 3); break;
      case 'w': out += String(isoDow(days) % 7); break;
      case 'u': out += String(isoDow(days)); break;
      case 'V': out += p(isoWeek(days).week); break;
      case 'G': out += String(isoWeek(days).year); break;
      case 'U': out += p(Math.floor((datePart('dayofyear', us) - 1 + 7 - (isoDow(days) % 7)) / 7)); break;
      case 'W': out += p(Math.floor((datePart('dayofyear', us) - 1 + 7 - (isoDow(days) - 1)) / 7)); break;
      case 'c': out += strftime(us, '%Y-%m-%d %H:%M:%S'); break;
      case 'x': out += strftime(us, '%Y-%m-%d'); break;
      case 'X': out += strftime(us, '%H:%M:%S'); break;
      case 'z': out += '+00'; break;
      // A TIMESTAMP has no zone: DuckDB writes nothing for %Z.
      case 'Z': break;
      case 'h': out += MONTHS[f.month - 1].slice(0, 3); break;
      case 'n': out += pad(f.micros * 1000, 9); break;
      case 'T': out += strftime(us, '%H:%M:%S'); break;
      case '%': out += '%'; break;
      default: throw new EvalError(`unknown format code '%${code ?? ''}' in '${format}'`, 'use codes such as %Y-%m-%d %H:%M:%S');
    }
  }
  return out;
}

/** The inverse of strftime for the numeric codes, %b/%B month names, %p and %z; null when the text does not match. */
export function strptime(text: string, format: string): number | null {
  const f: Fields = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, micros: 0 };
  let pm: boolean | null = null;
  let offset = 0;
  let pos = 0;
  const num = (min: number, max: number): number | null => {
    const m = new RegExp(`^[+-]?\\d{${min},${max}}`).exec(text.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return Number(m[0]);
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      if (c === ' ') {
        while (text[pos] === ' ') pos++;
        continue;
      }
      if (text[pos] !== c) return null;
      pos++;
      continue;
    }
    let code = format[++i];
    if (code === '-') code = format[++i];
    let v: number | null = 0;
    switch (code) {
      case 'Y': v = num(1, 6); if (v !== null) f.year = v; break;
      case 'y': v = num(1, 2); if (v !== null) f.year = v < 69 ? 2000 + v : 1900 + v; break;
      case 'm': v = num(1, 2); if (v !== null) f.month = v; break;
      case 'd': case 'e': while (text[pos] === ' ') pos++; v = num(1, 2); if (v !== null) f.day = v; break;
      case 'H': case 'I': v = num(1, 2); if (v !== null) f.hour = v; break;
      case 'M': v = num(1, 2); if (v !== null) f.minute = v; break;
      case 'S': v = num(1, 2); if (v !== null) f.second = v; break;
      case 'f': { const m = /^\d{1,9}/.exec(text.slice(pos)); if (!m) return null; pos += m[0].length; f.micros = Math.floor(Number(`0.${m[0]}`) * 1e6 + 1e-7); break; }
      case 'g': v = num(1, 3); if (v !== null) f.micros = v * 1000; break;
      case 'j': v = num(1, 3); if (v !== null) { f.month = 1; f.day = v; } break;
      case 'p': { const m = /^(am|pm)/i.exec(text.slice(pos)); if (!m) return null; pm = m[1].toLowerCase() === 'pm'; pos += 2; break; }
      case 'b': case 'B': {
        const rest = text.slice(pos).toLowerCase();
        const idx = MONTHS.findIndex((name) => rest.startsWith(name.toLowerCase()));
        const short = MONTHS.findIndex((name) => rest.startsWith(name.slice(0, 3).toLowerCase()));
        if (idx >= 0) { f.month = idx + 1; pos += MONTHS[idx].length; } else if (short >= 0) { f.month = short + 1; pos += 3; } else return null;
        break;
      }
      case 'a': case 'A': {
        const rest = text.slice(pos).toLowerCase();
        const full = WEEKDAYS.find((name) => rest.startsWith(name.toLowerCase()));
        const short = WEEKDAYS.find((name) => rest.startsWith(name.slice(0, 3).toLowerCase()));
        if (full) pos += full.length; else if (short) pos += 3; else return null;
        break;
      }
      case 'z': {
        const m = /^(Z|[+-]\d{2}(?::?\d{2})?)/i.exec(text.slice(pos));
        if (!m) return null;
        pos += m[0].length;
        if (m[0].toUpperCase() !== 'Z') {
          const sign = m[0][0] === '-' ? -1 : 1;
          const digits = m[0].slice(1).replace(':', '');
          offset = sign * (Number(digits.slice(0, 2)) * US_PER_HOUR + Number(digits.slice(2) || 0) * US_PER_MINUTE);
        }
        break;
      }
      case 'Z': { const m = /^[A-Za-z]+/.exec(text.slice(pos)); if (m) pos += m[0].length; break; }
      case '%': if (text[pos] !== '%') return null; pos++; break;
      default: throw new EvalError(`unknown format code '%${code ?? ''}' in '${format}'`, 'use codes such as %Y-%m-%d %H:%M:%S');
    }
    if (v === null) return null;
  }
  if (pos !== text.length) return null;
  if (pm !== null) f.hour = (f.hour % 12) + (pm ? 12 : 0);
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.hour > 23 || f.minute > 59 || f.second > 60) return null;
  if (format.includes('%j')) return timestampOf({ ...f, day: 1 }) + (f.day - 1) * US_PER_DAY - offset;
  if (f.day > daysInMonth(f.year, f.month)) return null;
  return timestampOf(f) - offset;
}
