import { decimalParts, decimalType, describeType, isDecimal, isOpen, sqlName, type ExprType } from './expr-type.js';
import { castScalar, checkInt64, formatValue } from './scalar/cast.js';
import {
  addInterval, canonicalUnit, civilFromDays, dateDiff, datePart, DATE_PARTS, dateSub, dateTrunc, daysFromCivil, daysInMonth, strftime,
  strptime, TRUNC_UNITS, US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_SECOND,
} from './scalar/datetime.js';
import { EvalError } from './scalar/eval-error.js';
import { DecimalValue, IntervalValue, type Scalar } from './scalar/values.js';
import { orderOf } from './scalar-ops.js';
import { commonType } from './type-rules.js';

/**
 * What an argument accepts. `integer` and `float` also take what casts to them implicitly
 * (a float parameter takes integers and decimals); `numeric` takes any number as it is;
 * `temporal` a date or a timestamp (read as a timestamp); `any` anything.
 */
export type Param = 'string' | 'integer' | 'float' | 'numeric' | 'boolean' | 'timestamp' | 'temporal' | 'date' | 'interval' | 'any';

export type Category = 'string' | 'regex' | 'math' | 'null' | 'date';

/**
 * One function of the language, declared once: the checker takes its arguments and result type
 * from here, both evaluators its scalar implementation (the vector evaluator runs it row by row
 * where no specialised kernel exists), and docs/functions.md is generated from it.
 */
export interface FunctionSpec {
  name: string;
  aliases?: readonly string[];
  category: Category;
  /** As shown to users, e.g. `round(x[, digits])`. */
  signature: string;
  description: string;
  /** `[expression, result]` pairs, run as tests and shown in the reference. */
  examples: readonly (readonly [string, string])[];
  /** Where the function differs from DuckDB on purpose. */
  differs?: string;
  minArgs: number;
  maxArgs: number;
  /** Per argument; the last one repeats for variadic functions. */
  params: readonly Param[];
  /** The result type from the argument types (after the checker accepted them); a string is a type error. */
  result: (args: ExprType[], literals: (Scalar | undefined)[]) => ExprType | string;
  /** Implementation over non-null arguments (all of them non-null unless `handlesNulls`). */
  scalar: (args: Scalar[], types: ExprType[], result: ExprType) => Scalar;
  /** coalesce and friends see null arguments; every other function is null when one is. */
  handlesNulls?: boolean;
  /** The arguments are cast to the result type first (coalesce, greatest, nullif …). */
  unifyArgs?: boolean;
  /** False for now()/current_date: folded once per compile, never per row. */
  deterministic?: boolean;
  /** Checks a literal argument when the expression is checked, before any data is read. */
  checkLiteral?: (index: number, value: Scalar) => { message: string; hint?: string } | undefined;
}

const str = (v: Scalar) => v as string;
const int = (v: Scalar) => Number(v);
const flt = (v: Scalar) => v as number;

/** Characters as users count them (code points), which is also what the UTF-8 kernels count. */
export function codepointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // The high half of a surrogate pair starts a character; the low half does not.
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** SQL rounding: halves go away from zero (JS Math.round sends -2.5 to -2). Digits may be negative. */
export function roundHalfAway(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const factor = 10 ** Math.trunc(digits);
  const scaled = Math.abs(x) * factor;
  // Beyond 2^52 a double has no fraction left at this precision: nothing to round (and x * 10^d may overflow).
  if (scaled >= 2 ** 52 || !Number.isFinite(scaled)) return x;
  // Nudge by a few ulps so 1.005 * 100 = 100.49999999999999 still rounds to 101.
  const rounded = Math.round(scaled * (1 + Number.EPSILON * 4)) / factor;
  return x < 0 ? -rounded : rounded;
}

/**
 * One character's case mapping as DuckDB does it (one code point to one): JS maps ß to SS and
 * İ to i̇, SQL engines keep one character (ẞ, i).
 */
export function changeCaseText(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    if (ch.charCodeAt(0) < 0x80) {
      out += upper ? ch.toUpperCase() : ch.toLowerCase();
      continue;
    }
    if (upper && ch === 'ß') { out += 'ẞ'; continue; }
    if (!upper && ch === 'İ') { out += 'i'; continue; }
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

const chars = (s: string) => [...s];

/** DuckDB's substring: 1-based, negative starts count from the end, start 0 eats one of the length. */
function substring(s: string, start: number, length?: number): string {
  const cs = chars(s);
  const n = cs.length;
  let from: number;
  let to: number;
  if (start > 0) from = start - 1;
  else if (start < 0) from = n + start;
  else from = -1;
  if (length === undefined) to = n;
  else if (length < 0) { to = from; from = from + length; }
  else to = from + length;
  from = Math.max(0, from);
  to = Math.min(n, to);
  return from >= to ? '' : cs.slice(from, to).join('');
}

function pad(s: string, n: number, fill: string, left: boolean): string {
  const cs = chars(s);
  if (n <= 0) return '';
  if (cs.length >= n) return cs.slice(0, n).join('');
  const f = chars(fill);
  if (f.length === 0) throw new EvalError(`insufficient padding in ${left ? 'lpad' : 'rpad'}: the fill is empty`, 'give a fill of at least one character');
  const padding: string[] = [];
  for (let i = 0; padding.length < n - cs.length; i++) padding.push(f[i % f.length]);
  return left ? padding.join('') + s : s + padding.join('');
}

function trimChars(s: string, set: string, left: boolean, right: boolean): string {
  const cs = chars(s);
  const drop = new Set(chars(set));
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && drop.has(cs[a])) a++;
  if (right) while (b > a && drop.has(cs[b - 1])) b--;
  return cs.slice(a, b).join('');
}

function splitPart(s: string, sep: string, index: number): string {
  const parts = sep === '' ? chars(s) : s.split(sep);
  if (index === 0) return '';
  const i = index > 0 ? index - 1 : parts.length + index;
  return parts[i] ?? '';
}

function strpos(s: string, sub: string): bigint {
  const i = s.indexOf(sub);
  return i < 0 ? 0n : BigInt(codepointLength(s.slice(0, i)) + 1);
}

// ---- regular expressions (JavaScript's dialect; RE2 in DuckDB) ----

const regexCache = new Map<string, RegExp>();

/** Options as DuckDB writes them: i (ignore case), c (case-sensitive), s, m/n/p (newline-sensitive), l (literal), g (all). */
export function compileRegex(pattern: string, options = ''): RegExp {
  const key = `${options}/${pattern}`;
  let re = regexCache.get(key);
  if (re) return re;
  let flags = 'u';
  let source = re2ToJs(pattern);
  for (const o of options) {
    if (o === 'i') flags += 'i';
    else if (o === 'g') flags += 'g';
    else if (o === 'l') source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (o === 'm' || o === 'n' || o === 'p') flags += 'm';
    else if (o === 's') flags += 's';
    else if (o !== 'c') throw new EvalError(`unknown regular expression option '${o}'`, 'use i (ignore case), c, g (all matches), s, m or l (literal)');
  }
  flags = [...new Set(flags)].join('');
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    throw new EvalError(`invalid regular expression '${pattern}': ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
      'the syntax is JavaScript\'s (close to RE2): escape special characters with a backslash');
  }
  if (regexCache.size > 500) regexCache.clear();
  regexCache.set(key, re);
  return re;
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', blank: ' \\t', xdigit: '0-9A-Fa-f',
  word: '\\w', punct: '!-\\/:-@\\[-`{-~', cntrl: '\\x00-\\x1f\\x7f', print: ' -~', graph: '!-~',
};

/** RE2 spellings JavaScript lacks: POSIX classes inside brackets ([[:alpha:]]) and one-letter Unicode classes (\pL). */
function re2ToJs(pattern: string): string {
  return pattern
    .replace(/\[:(\w+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m)
    .replace(/(^|[^\\])\\([pP])([A-Z])/g, '$1\\$2{$3}');
}

/** RE2 replacements write groups as \1; JavaScript's as $1. */
function replacementOf(text: string): string {
  return text.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1').replace(/\\\\/g, '\\');
}

const checkRegex = (index: number, value: Scalar) => {
  if (index !== 1 || typeof value !== 'string') return undefined;
  try {
    compileRegex(value);
  } catch (e) {
    return { message: (e as EvalError).message, hint: (e as EvalError).hint };
  }
  return undefined;
};

// ---- typing helpers ----

const fixed = (t: ExprType) => () => t;
const sameNumeric = (args: ExprType[]) => args.find((a) => !isOpen(a)) ?? 'float';
const unified = (what: string) => (args: ExprType[]): ExprType | string => {
  let t: ExprType | null = 'null';
  for (const a of args) {
    t = commonType(t, a);
    if (t === null) return `the arguments of \`${what}()\` must all have one type, got ${[...new Set(args.filter((x) => !isOpen(x)))].map(describeType).join(' and ')}`;
  }
  return t;
};

function roundValue(v: Scalar, type: ExprType, digits: number, mode: 'round' | 'floor' | 'ceil' | 'trunc'): Scalar {
  if (typeof v === 'bigint' && type === 'float') return Number(v);
  if (typeof v === 'bigint') {
    if (digits >= 0 || mode !== 'round') return v;
    const f = 10n ** BigInt(-digits);
    const q = v / f;
    const r = v % f;
    return checkInt64((q + ((r < 0n ? -r : r) * 2n >= f ? (v < 0n ? -1n : 1n) : 0n)) * f, `round(${v}, ${digits})`);
  }
  if (v instanceof DecimalValue) {
    // Keep `kept` digits after the point (negative: round to tens, hundreds …), exactly.
    const kept = Math.min(v.scale, digits);
    const f = 10n ** BigInt(v.scale - kept);
    let q = v.units / f;
    const r = v.units % f;
    if (mode === 'round') q += (r < 0n ? -r : r) * 2n >= f && f > 1n ? (v.units < 0n ? -1n : 1n) : 0n;
    else if (mode === 'floor' && r < 0n) q -= 1n;
    else if (mode === 'ceil' && r > 0n) q += 1n;
    const target = isDecimal(type) ? decimalParts(type).scale : Math.max(0, kept);
    return new DecimalValue(q * f, v.scale).rescale(target);
  }
  const x = flt(v);
  switch (mode) {
    case 'round': return roundHalfAway(x, digits);
    case 'floor': return Math.floor(x);
    case 'ceil': return Math.ceil(x);
    case 'trunc': return Math.trunc(x);
  }
}

/** floor/ceil: DuckDB gives a DOUBLE for integers, DECIMAL(p, 0) for decimals; trunc keeps integers. */
const rounded = (args: ExprType[]) => (isDecimal(args[0]) ? decimalType(decimalParts(args[0]).precision, 0) : 'float');
const truncated = (args: ExprType[]) => (isDecimal(args[0]) ? decimalType(decimalParts(args[0]).precision, 0) : sameNumeric(args));

function domain(x: number, ok: boolean, message: string): number {
  if (!ok) throw new EvalError(message, 'filter the rows first, e.g. with a CASE or a where condition');
  return x;
}

const unitOf = (v: Scalar, allowed: readonly string[], fn: string): string => {
  const unit = canonicalUnit(String(v));
  if (!unit || !allowed.includes(unit)) throw new EvalError(`unknown unit '${String(v)}' for ${fn}()`, `use one of ${allowed.join(', ')}`);
  return unit;
};
const checkUnit = (allowed: readonly string[], fn: string, at = 0) => (index: number, value: Scalar) => {
  if (index !== at || typeof value !== 'string') return undefined;
  const unit = canonicalUnit(value);
  return unit && allowed.includes(unit) ? undefined : { message: `unknown unit '${value}' for ${fn}()`, hint: `use one of ${allowed.join(', ')}` };
};
const DIFF_UNITS = ['millennium', 'century', 'decade', 'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond'];

/** A temporal argument as microseconds (a date is its midnight). */
const micros = (v: Scalar, t: ExprType) => (t === 'date' ? (v as number) * US_PER_DAY : (v as number));

function part(name: string, unit: string, description: string, examples: [string, string][], aliases?: string[]): FunctionSpec {
  return spec(`${name}(t)`, 'date', ['temporal'], fixed('integer'), ([t], [tt]) => BigInt(datePart(unit, micros(t, tt))), description, examples, { aliases });
}

function spec(
  signature: string, category: Category, params: Param[], result: FunctionSpec['result'], scalar: FunctionSpec['scalar'],
  description: string, examples: readonly (readonly [string, string])[], more: Partial<FunctionSpec> = {},
): FunctionSpec {
  const name = signature.slice(0, signature.indexOf('('));
  const optional = (signature.match(/\[/g) ?? []).length;
  const variadic = signature.includes('...');
  return {
    name, category, signature, description, examples, params, result, scalar,
    minArgs: params.length - optional - (variadic ? 1 : 0), maxArgs: variadic ? Infinity : params.length, ...more,
  };
}

const toInterval = (unit: 'months' | 'days' | 'micros', factor: number) => ([n]: Scalar[]) => {
  const v = Number(n) * factor;
  return new IntervalValue(unit === 'months' ? v : 0, unit === 'days' ? v : 0, unit === 'micros' ? v : 0);
};

export const FUNCTIONS: readonly FunctionSpec[] = [
  // ---- strings ----
  spec('lower(s)', 'string', ['string'], fixed('string'), ([s]) => changeCaseText(str(s), false), 'lower case', [["lower('Straße')", "'straße'"]], { aliases: ['lcase'] }),
  spec('upper(s)', 'string', ['string'], fixed('string'), ([s]) => changeCaseText(str(s), true), 'upper case, one character to one as DuckDB does: ß becomes ẞ (JavaScript would give SS)', [["upper('straße')", "'STRAẞE'"]],
    { aliases: ['ucase'] }),
  spec('length(s)', 'string', ['string'], fixed('integer'), ([s]) => BigInt(codepointLength(str(s))), 'the number of characters (Unicode code points)', [["length('Zoë')", '3']],
    { aliases: ['char_length', 'character_length', 'len'], differs: 'Counts code points; DuckDB counts grapheme clusters, so an emoji with a modifier is 2 here and 1 there.' }),
  spec('concat(a, ...)', 'string', ['any', 'any'], fixed('string'), (args, types) => args.map((a, i) => formatValue(a, types[i])).join(''),
    'joins the texts of its arguments, skipping nulls', [["concat('a', null, 1)", "'a1'"]], { handlesNulls: true, minArgs: 1 }),
  spec('concat_ws(sep, a, ...)', 'string', ['string', 'any', 'any'], fixed('string'),
    ([sep, ...rest], [, ...types]) => (sep === null ? null : rest.flatMap((a, i) => (a === null ? [] : [formatValue(a, types[i])])).join(str(sep))),
    'joins the non-null arguments with a separator', [["concat_ws(', ', 'a', null, 'b')", "'a, b'"]], { handlesNulls: true, minArgs: 2 }),
  spec('substr(s, start[, length])', 'string', ['string', 'integer', 'integer'], fixed('string'), ([s, a, l]) => substring(str(s), int(a), l === undefined ? undefined : int(l)),
    'characters from `start` (1-based; negative counts from the end; a negative start before the beginning shortens the result, as DuckDB does for constants)', [["substr('hello', 2, 3)", "'ell'"], ["substr('hello', -3)", "'llo'"]], { aliases: ['substring'] }),
  spec('left(s, n)', 'string', ['string', 'integer'], fixed('string'), ([s, n]) => { const cs = chars(str(s)); return cs.slice(0, int(n) < 0 ? Math.max(0, cs.length + int(n)) : int(n)).join(''); },
    'the first n characters (negative: all but the last -n)', [["left('hello', 2)", "'he'"]]),
  spec('right(s, n)', 'string', ['string', 'integer'], fixed('string'), ([s, n]) => { const cs = chars(str(s)); const k = int(n); return (k < 0 ? cs.slice(Math.min(cs.length, -k)) : cs.slice(Math.max(0, cs.length - k))).join(''); },
    'the last n characters (negative: all but the first -n)', [["right('hello', 2)", "'lo'"]]),
  spec('trim(s[, chars])', 'string', ['string', 'string'], fixed('string'), ([s, c]) => trimChars(str(s), c === undefined ? ' ' : str(c), true, true),
    'removes spaces (or the given characters) from both ends', [["trim('  x  ')", "'x'"], ["trim('xxaxx', 'x')", "'a'"]]),
  spec('ltrim(s[, chars])', 'string', ['string', 'string'], fixed('string'), ([s, c]) => trimChars(str(s), c === undefined ? ' ' : str(c), true, false), 'trim() at the start only', [["ltrim('  x ')", "'x '"]]),
  spec('rtrim(s[, chars])', 'string', ['string', 'string'], fixed('string'), ([s, c]) => trimChars(str(s), c === undefined ? ' ' : str(c), false, true), 'trim() at the end only', [["rtrim(' x  ')", "' x'"]]),
  spec('replace(s, from, to)', 'string', ['string', 'string', 'string'], fixed('string'), ([s, f, t]) => (str(f) === '' ? str(s) : str(s).split(str(f)).join(str(t))),
    'replaces every occurrence of `from`', [["replace('a-b-c', '-', '+')", "'a+b+c'"]]),
  spec('split_part(s, sep, n)', 'string', ['string', 'string', 'integer'], fixed('string'), ([s, sep, n]) => splitPart(str(s), str(sep), int(n)),
    'the n-th field (1-based; negative counts from the end), empty when there is none; an empty separator splits into characters', [["split_part('a,b,c', ',', 2)", "'b'"], ["split_part('a,b,c', ',', -1)", "'c'"]]),
  spec('lpad(s, n, fill)', 'string', ['string', 'integer', 'string'], fixed('string'), ([s, n, f]) => pad(str(s), int(n), str(f), true),
    'pads on the left to n characters (cuts longer strings to n)', [["lpad('7', 3, '0')", "'007'"]]),
  spec('rpad(s, n, fill)', 'string', ['string', 'integer', 'string'], fixed('string'), ([s, n, f]) => pad(str(s), int(n), str(f), false),
    'pads on the right to n characters (cuts longer strings to n)', [["rpad('ab', 4, '.')", "'ab..'"]]),
  spec('starts_with(s, prefix)', 'string', ['string', 'string'], fixed('boolean'), ([s, p]) => str(s).startsWith(str(p)), 'true when s begins with prefix', [["starts_with('hello', 'he')", 'true']], { aliases: ['prefix'] }),
  spec('ends_with(s, suffix)', 'string', ['string', 'string'], fixed('boolean'), ([s, p]) => str(s).endsWith(str(p)), 'true when s ends with suffix', [["ends_with('hello', 'lo')", 'true']], { aliases: ['suffix'] }),
  spec('contains(s, sub)', 'string', ['string', 'string'], fixed('boolean'), ([s, p]) => str(s).includes(str(p)), 'true when sub occurs in s', [["contains('hello', 'ell')", 'true']]),
  spec('strpos(s, sub)', 'string', ['string', 'string'], fixed('integer'), ([s, p]) => strpos(str(s), str(p)), 'the position of the first sub (1-based), 0 when absent',
    [["strpos('hello', 'l')", '3']], { aliases: ['position', 'instr'] }),
  spec('reverse(s)', 'string', ['string'], fixed('string'), ([s]) => chars(str(s)).reverse().join(''), 'the characters in reverse order', [["reverse('abc')", "'cba'"]],
    { differs: 'Reverses code points; DuckDB reverses grapheme clusters (combining accents stay on their letter there).' }),
  spec('repeat(s, n)', 'string', ['string', 'integer'], fixed('string'), ([s, n]) => {
    const k = int(n);
    if (k > 0 && str(s).length * k > 100_000_000) throw new EvalError(`repeat() would build a string of ${str(s).length * k} characters`, 'repeat fewer times');
    return k <= 0 ? '' : str(s).repeat(k);
  }, 's repeated n times', [["repeat('ab', 3)", "'ababab'"]]),
  spec('ascii(s)', 'string', ['string'], fixed('integer'), ([s]) => BigInt(str(s).codePointAt(0) ?? 0), 'the code point of the first character', [["ascii('A')", '65']]),
  spec('chr(code)', 'string', ['integer'], fixed('string'), ([c]) => {
    const n = int(c);
    if (n < 0 || n > 0x10ffff) throw new EvalError(`chr(${n}): not a Unicode code point`, 'use 0 to 1114111');
    return String.fromCodePoint(n);
  }, 'the character with that code point', [['chr(65)', "'A'"]]),
  spec('strlen(s)', 'string', ['string'], fixed('integer'), ([s]) => BigInt(new TextEncoder().encode(str(s)).length), 'the number of UTF-8 bytes', [["strlen('straße')", '7']],
    { aliases: ['octet_length'] }),
  spec('translate(s, from, to)', 'string', ['string', 'string', 'string'], fixed('string'), ([s, f, t]) => {
    const from = chars(str(f));
    const to = chars(str(t));
    return chars(str(s)).flatMap((c) => {
      const i = from.indexOf(c);
      return i < 0 ? [c] : i < to.length ? [to[i]] : [];
    }).join('');
  }, 'replaces each character of `from` by the one at the same place in `to` (dropped when `to` is shorter)', [["translate('abc', 'ab', 'x')", "'xc'"]]),
  spec('typeof(x)', 'string', ['any'], fixed('string'), (_a, [t]) => sqlName(t), 'the SQL name of the argument\'s type', [['typeof(1)', "'BIGINT'"], ["typeof(date '2024-01-31')", "'DATE'"]],
    { handlesNulls: true, differs: 'Integers are BIGINT here (DuckDB names a small literal INTEGER).' }),
  // ---- regular expressions ----
  spec('regexp_matches(s, pattern[, options])', 'regex', ['string', 'string', 'string'], fixed('boolean'), ([s, p, o]) => compileRegex(str(p), o === undefined ? '' : str(o).replace('g', '')).test(str(s)),
    'true when the pattern matches anywhere in s; options: i ignore case, s, m, l literal. RE2\'s POSIX classes ([[:alpha:]]) and \\pL are accepted', [["regexp_matches('abc123', '[0-9]+')", 'true'], ["regexp_matches('ABC', 'b', 'i')", 'true']],
    { checkLiteral: checkRegex, differs: 'Patterns are JavaScript regular expressions (Unicode mode), close to DuckDB\'s RE2: no possessive quantifiers, lookbehind is supported.' }),
  spec('regexp_full_match(s, pattern[, options])', 'regex', ['string', 'string', 'string'], fixed('boolean'), ([s, p, o]) => {
    const re = compileRegex(`^(?:${str(p)})$`, o === undefined ? '' : str(o).replace('g', ''));
    return re.test(str(s));
  }, 'true when the pattern matches all of s', [["regexp_full_match('abc', '[a-c]+')", 'true']], { checkLiteral: checkRegex }),
  spec('regexp_replace(s, pattern, replacement[, options])', 'regex', ['string', 'string', 'string', 'string'], fixed('string'),
    ([s, p, r, o]) => str(s).replace(compileRegex(str(p), o === undefined ? '' : str(o)), replacementOf(str(r))),
    'replaces the first match (every match with option g); \\1 in the replacement is the first group', [["regexp_replace('a-b-c', '-', '+', 'g')", "'a+b+c'"], ["regexp_replace('abc', '(b)', '<\\\\1>')", "'a<b>c'"]],
    { checkLiteral: checkRegex }),
  spec('regexp_extract(s, pattern[, group])', 'regex', ['string', 'string', 'integer'], fixed('string'), ([s, p, g]) => {
    const m = compileRegex(str(p)).exec(str(s));
    const group = g === undefined ? 0 : int(g);
    if (m && group >= m.length) throw new EvalError(`regexp_extract: the pattern has no group ${group}`, `use a group from 0 to ${m.length - 1}`);
    return m ? (m[group] ?? '') : '';
  }, 'the first match, or its group-th group; empty when nothing matches', [["regexp_extract('abc123', '([a-z]+)([0-9]+)', 2)", "'123'"]], { checkLiteral: checkRegex }),
  // ---- math ----
  spec('abs(x)', 'math', ['numeric'], sameNumeric, ([x]) => {
    if (typeof x === 'bigint') return checkInt64(x < 0n ? -x : x, `abs(${x})`);
    if (x instanceof DecimalValue) return new DecimalValue(x.units < 0n ? -x.units : x.units, x.scale);
    return Math.abs(flt(x));
  }, 'the absolute value', [['abs(-3)', '3']]),
  spec('round(x[, digits])', 'math', ['numeric', 'integer'], (a) => (isOpen(a[0]) ? 'float' : a[0]), ([x, d], [t]) => roundValue(x, t, d === undefined ? 0 : int(d), 'round'),
    'rounds half away from zero to `digits` decimals (negative: to tens, hundreds …)', [['round(2.5)', '3.0'], ['round(1.005, 2)', '1.01'], ['round(1234, -2)', '1200']],
    { differs: 'On DOUBLE, rounds the decimal number as written (1.005 → 1.01); DuckDB rounds the binary value (1.00). On DECIMAL both are exact and the result keeps the scale.' }),
  spec('floor(x)', 'math', ['numeric'], rounded, ([x], _t, r) => roundValue(x, r, 0, 'floor'), 'the largest whole number ≤ x', [['floor(-2.5)', '-3.0']]),
  spec('ceil(x)', 'math', ['numeric'], rounded, ([x], _t, r) => roundValue(x, r, 0, 'ceil'), 'the smallest whole number ≥ x', [['ceil(2.1)', '3.0']], { aliases: ['ceiling'] }),
  spec('trunc(x)', 'math', ['numeric'], truncated, ([x], _t, r) => roundValue(x, r, 0, 'trunc'), 'x without its fraction (towards zero)', [['trunc(-2.7)', '-2.0']]),
  spec('sqrt(x)', 'math', ['float'], fixed('float'), ([x]) => Math.sqrt(domain(flt(x), flt(x) >= 0 || Number.isNaN(flt(x)), `cannot take the square root of a negative number (${flt(x)})`)), 'the square root; an error for negative x, as in DuckDB', [['sqrt(16)', '4.0']]),
  spec('cbrt(x)', 'math', ['float'], fixed('float'), ([x]) => Math.cbrt(flt(x)), 'the cube root', [['cbrt(27)', '3.0']]),
  spec('pow(x, y)', 'math', ['float', 'float'], fixed('float'), ([x, y]) => flt(x) ** flt(y), 'x to the power y', [['pow(2, 10)', '1024.0']], { aliases: ['power'] }),
  spec('exp(x)', 'math', ['float'], fixed('float'), ([x]) => Math.exp(flt(x)), 'e to the power x', [['exp(0)', '1.0']]),
  spec('ln(x)', 'math', ['float'], fixed('float'), ([x]) => Math.log(logArg(flt(x))), 'the natural logarithm; an error for x ≤ 0, as in DuckDB', [['ln(1)', '0.0']]),
  spec('log10(x)', 'math', ['float'], fixed('float'), ([x]) => Math.log10(logArg(flt(x))), 'the base-10 logarithm', [['log10(1000)', '3.0']], { aliases: ['log'] }),
  spec('log2(x)', 'math', ['float'], fixed('float'), ([x]) => Math.log2(logArg(flt(x))), 'the base-2 logarithm', [['log2(8)', '3.0']]),
  spec('sign(x)', 'math', ['numeric'], fixed('integer'), ([x]) => {
    if (typeof x === 'bigint') return x > 0n ? 1n : x < 0n ? -1n : 0n;
    if (x instanceof DecimalValue) return x.units > 0n ? 1n : x.units < 0n ? -1n : 0n;
    return Number.isNaN(flt(x)) ? 0n : BigInt(Math.sign(flt(x)));
  }, '-1, 0 or 1', [['sign(-3.5)', '-1']]),
  spec('mod(a, b)', 'math', ['numeric', 'numeric'], (a) => (a.every((t) => t === 'integer' || isOpen(t)) ? 'integer' : 'float'), ([a, b], types) => {
    if (typeof a === 'bigint' && typeof b === 'bigint') return b === 0n ? null : a % b;
    const y = Number(castScalar(b, types[1], 'float'));
    return y === 0 ? null : Number(castScalar(a, types[0], 'float')) % y;
  }, 'the remainder of a / b (sign of a); null when b is 0', [['mod(7, 3)', '1'], ['mod(-7, 3)', '-1']]),
  spec('greatest(a, ...)', 'math', ['any', 'any'], unified('greatest'), (args) => pick(args, 1), 'the largest non-null argument', [['greatest(1, null, 3)', '3']], { handlesNulls: true, unifyArgs: true, minArgs: 1 }),
  spec('least(a, ...)', 'math', ['any', 'any'], unified('least'), (args) => pick(args, -1), 'the smallest non-null argument', [['least(2, 1)', '1']], { handlesNulls: true, unifyArgs: true, minArgs: 1 }),
  spec('gcd(a, b)', 'math', ['integer', 'integer'], fixed('integer'), ([a, b]) => gcd(a as bigint, b as bigint), 'the greatest common divisor', [['gcd(12, 18)', '6']], { aliases: ['greatest_common_divisor'] }),
  spec('lcm(a, b)', 'math', ['integer', 'integer'], fixed('integer'), ([a, b]) => {
    const [x, y] = [a as bigint, b as bigint];
    const g = gcd(x, y);
    return g === 0n ? 0n : checkInt64(((x < 0n ? -x : x) / g) * (y < 0n ? -y : y), `lcm(${x}, ${y})`);
  }, 'the least common multiple', [['lcm(4, 6)', '12']], { aliases: ['least_common_multiple'] }),
  spec('isfinite(x)', 'math', ['float'], fixed('boolean'), ([x]) => Number.isFinite(flt(x)), 'true unless x is ±infinity or NaN', [['isfinite(1.5)', 'true']]),
  spec('pi()', 'math', [], fixed('float'), () => Math.PI, 'π', [['round(pi(), 4)', '3.1416']]),
  spec('sin(x)', 'math', ['float'], fixed('float'), ([x]) => Math.sin(finite(flt(x), 'sin')), 'sine (radians)', [['sin(0)', '0.0']]),
  spec('cos(x)', 'math', ['float'], fixed('float'), ([x]) => Math.cos(finite(flt(x), 'cos')), 'cosine (radians)', [['cos(0)', '1.0']]),
  spec('tan(x)', 'math', ['float'], fixed('float'), ([x]) => Math.tan(finite(flt(x), 'tan')), 'tangent (radians)', [['tan(0)', '0.0']]),
  spec('atan2(y, x)', 'math', ['float', 'float'], fixed('float'), ([y, x]) => Math.atan2(flt(y), flt(x)), 'the angle of the point (x, y)', [['atan2(0, 1)', '0.0']]),
  spec('degrees(x)', 'math', ['float'], fixed('float'), ([x]) => (flt(x) * 180) / Math.PI, 'radians to degrees', [['degrees(pi())', '180.0']]),
  spec('radians(x)', 'math', ['float'], fixed('float'), ([x]) => (flt(x) * Math.PI) / 180, 'degrees to radians', [['radians(180) = pi()', 'true']]),
  spec('isnan(x)', 'math', ['float'], fixed('boolean'), ([x]) => Number.isNaN(flt(x)), 'true for NaN', [["isnan(cast('nan' AS double))", 'true']]),
  spec('isinf(x)', 'math', ['float'], fixed('boolean'), ([x]) => flt(x) === Infinity || flt(x) === -Infinity, 'true for ±infinity', [["isinf(cast('inf' AS double))", 'true']]),
  // ---- nulls ----
  spec('coalesce(a, ...)', 'null', ['any', 'any'], unified('coalesce'), (args) => args.find((v) => v !== null) ?? null, 'the first argument that is not null',
    [["coalesce(null, 'b', 'c')", "'b'"]], { handlesNulls: true, unifyArgs: true, minArgs: 1 }),
  spec('ifnull(a, b)', 'null', ['any', 'any'], unified('ifnull'), ([a, b]) => (a !== null ? a : b), 'a unless it is null, else b', [['ifnull(null, 2)', '2']], { handlesNulls: true, unifyArgs: true }),
  spec('nullif(a, b)', 'null', ['any', 'any'], (args) => {
    const common = unified('nullif')(args);
    return common.includes(' ') ? common : isOpen(args[0]) ? common : args[0];
  }, ([a, b], [ta, tb]) => {
    if (a === null || b === null) return a;
    const t = commonType(ta, tb) ?? ta;
    return orderOf(castScalar(a, ta, t), castScalar(b, tb, t)) === 0 ? null : a;
  }, 'null when a equals b, else a (with a\'s type, as in DuckDB)', [['nullif(1, 1)', 'null'], ['nullif(1, 2)', '1']], { handlesNulls: true }),
  // ---- dates and times ----
  spec('now()', 'date', [], fixed('timestamp'), () => Date.now() * 1000, 'the current time (UTC), the same for every row of a run step', [['now() > current_date', 'true']],
    { aliases: ['current_timestamp', 'get_current_timestamp'], deterministic: false, differs: 'DuckDB returns TIMESTAMP WITH TIME ZONE; here every timestamp is UTC.' }),
  spec('current_date()', 'date', [], fixed('date'), () => Math.floor(Date.now() / 86_400_000), 'today (UTC); may be written without parentheses', [['current_date <= now()', 'true']],
    { aliases: ['today'], deterministic: false }),
  part('year', 'year', 'the year', [["year(date '2024-03-05')", '2024']]),
  part('quarter', 'quarter', 'the quarter, 1 to 4', [["quarter(date '2024-03-05')", '1']]),
  part('month', 'month', 'the month, 1 to 12', [["month(date '2024-03-05')", '3']]),
  part('day', 'day', 'the day of the month', [["day(date '2024-03-05')", '5']], ['dayofmonth']),
  part('hour', 'hour', 'the hour, 0 to 23', [["hour(timestamp '2024-03-05 14:30:00')", '14']]),
  part('minute', 'minute', 'the minute', [["minute(timestamp '2024-03-05 14:30:00')", '30']]),
  part('second', 'second', 'the second (whole)', [["second(timestamp '2024-03-05 14:30:15.5')", '15']]),
  part('dayofweek', 'dayofweek', 'the day of the week, 0 = Sunday … 6 = Saturday', [["dayofweek(date '2024-01-07')", '0']], ['weekday']),
  part('isodow', 'isodow', 'the ISO day of the week, 1 = Monday … 7 = Sunday', [["isodow(date '2024-01-07')", '7']]),
  part('dayofyear', 'dayofyear', 'the day of the year, 1 to 366', [["dayofyear(date '2024-02-01')", '32']]),
  part('week', 'week', 'the ISO week number, 1 to 53', [["week(date '2024-01-01')", '1']], ['weekofyear']),
  spec('epoch(t)', 'date', ['temporal'], fixed('float'), ([t], [tt]) => micros(t, tt) / US_PER_SECOND, 'seconds since 1970-01-01 00:00 UTC', [["epoch(timestamp '1970-01-02')", '86400.0']]),
  spec('epoch_us(t)', 'date', ['temporal'], fixed('integer'), ([t], [tt]) => BigInt(micros(t, tt)), 'microseconds since 1970-01-01 00:00 UTC', [["epoch_us(timestamp '1970-01-01 00:00:01')", '1000000']]),
  spec('epoch_ms(t)', 'date', ['temporal'], fixed('integer'), ([t], [tt]) => BigInt(Math.floor(micros(t, tt) / 1000)), 'milliseconds since 1970-01-01 00:00 UTC', [["epoch_ms(timestamp '1970-01-01 00:00:01')", '1000']]),
  spec('date_part(unit, t)', 'date', ['string', 'temporal'], (_a, lits) => (typeof lits[0] === 'string' && canonicalUnit(lits[0]) === 'epoch' ? 'float' : 'integer'), ([u, t], [, tt], result) => {
    const unit = unitOf(u, DATE_PARTS, 'date_part');
    const us = micros(t, tt);
    if (unit === 'epoch') return result === 'float' ? us / US_PER_SECOND : BigInt(Math.floor(us / US_PER_SECOND));
    return BigInt(datePart(unit, us));
  }, `one part of a date/time: ${DATE_PARTS.join(', ')}`, [["date_part('month', date '2024-03-05')", '3'], ["date_part('epoch', timestamp '1970-01-01 00:00:01.5')", '1.5']],
  { aliases: ['datepart'], checkLiteral: checkUnit(DATE_PARTS, 'date_part') }),
  spec('date_trunc(unit, t)', 'date', ['string', 'temporal'], fixed('timestamp'), ([u, t], [, tt]) => dateTrunc(unitOf(u, TRUNC_UNITS, 'date_trunc'), micros(t, tt)),
    'the start of the unit holding t (a week starts on Monday), as a timestamp', [["date_trunc('month', date '2024-03-05')", "timestamp '2024-03-01 00:00:00'"]],
    { aliases: ['datetrunc'], checkLiteral: checkUnit(TRUNC_UNITS, 'date_trunc') }),
  spec('date_add(t, interval)', 'date', ['temporal', 'interval'], fixed('timestamp'), ([t, iv], [tt]) => addInterval(micros(t, tt), iv as IntervalValue, 1),
    "t plus an interval, the same as `t + interval '…'`", [["date_add(date '2024-01-31', interval '1 month')", "timestamp '2024-02-29 00:00:00'"]]),
  spec('date_diff(unit, a, b)', 'date', ['string', 'temporal', 'temporal'], fixed('integer'), ([u, a, b], [, ta, tb]) => BigInt(dateDiff(unitOf(u, DIFF_UNITS, 'date_diff'), micros(a, ta), micros(b, tb))),
    'how many unit boundaries lie between a and b (b − a)', [["date_diff('month', date '2024-01-31', date '2024-02-01')", '1'], ["date_diff('day', date '2024-01-01', date '2024-03-01')", '60']],
    { aliases: ['datediff'], checkLiteral: checkUnit(DIFF_UNITS, 'date_diff') }),
  spec('date_sub(unit, a, b)', 'date', ['string', 'temporal', 'temporal'], fixed('integer'), ([u, a, b], [, ta, tb]) => BigInt(dateSub(unitOf(u, DIFF_UNITS, 'date_sub'), micros(a, ta), micros(b, tb))),
    'how many whole units fit between a and b (DuckDB\'s date_sub; to subtract an interval write `t - interval \'…\'`)', [["date_sub('month', date '2024-01-31', date '2024-02-29')", '1']],
    { aliases: ['datesub'], checkLiteral: checkUnit(DIFF_UNITS, 'date_sub') }),
  spec('strftime(t, format)', 'date', ['temporal', 'string'], fixed('string'), ([t, f], [tt]) => strftime(micros(t, tt), str(f)),
    'formats with C codes: %Y %m %d %H %M %S %f (microseconds) %g (ms) %j %a %A %b %B %p %I %y %e %w %u %V %G %U %W %c %x %X %T %h %n (nanoseconds) %z %Z (empty: no zones) %%', [["strftime(timestamp '2024-03-05 14:30:00', '%d/%m/%Y %H:%M')", "'05/03/2024 14:30'"]]),
  spec('strptime(s, format)', 'date', ['string', 'string'], fixed('timestamp'), ([s, f]) => {
    const us = strptime(str(s), str(f));
    if (us === null) throw new EvalError(`'${str(s)}' does not match the format '${str(f)}'`, 'use try_strptime() to get null instead');
    return us;
  }, 'reads text with strftime codes; an error when it does not match', [["strptime('05/03/2024', '%d/%m/%Y')", "timestamp '2024-03-05 00:00:00'"]]),
  spec('try_strptime(s, format)', 'date', ['string', 'string'], fixed('timestamp'), ([s, f]) => strptime(str(s), str(f)), 'strptime(), but null when the text does not match', [["try_strptime('x', '%Y')", 'null']]),
  spec('make_date(year, month, day)', 'date', ['integer', 'integer', 'integer'], fixed('date'), ([y, m, d]) => {
    const [yy, mm, dd] = [int(y), int(m), int(d)];
    if (mm < 1 || mm > 12 || dd < 1 || dd > daysInMonth(yy, mm)) throw new EvalError(`make_date(${yy}, ${mm}, ${dd}): no such date`);
    return daysFromCivil(yy, mm, dd);
  }, 'the date of year, month and day', [['make_date(2024, 2, 29)', "date '2024-02-29'"]]),
  spec('make_timestamp(year, month, day, hour, minute, second)', 'date', ['integer', 'integer', 'integer', 'integer', 'integer', 'float'], fixed('timestamp'), ([y, mo, d, h, mi, s]) => {
    const [yy, mm, dd] = [int(y), int(mo), int(d)];
    if (mm < 1 || mm > 12 || dd < 1 || dd > daysInMonth(yy, mm)) throw new EvalError(`make_timestamp: ${yy}-${mm}-${dd} is no date`);
    return daysFromCivil(yy, mm, dd) * US_PER_DAY + int(h) * US_PER_HOUR + int(mi) * US_PER_MINUTE + Math.round(flt(s) * US_PER_SECOND);
  }, 'the timestamp of its parts (seconds may have a fraction)', [['make_timestamp(2024, 3, 5, 14, 30, 0)', "timestamp '2024-03-05 14:30:00'"]]),
  spec('to_timestamp(seconds)', 'date', ['float'], fixed('timestamp'), ([s]) => Math.round(flt(s) * US_PER_SECOND), 'the timestamp `seconds` after 1970-01-01 00:00 UTC', [['to_timestamp(86400)', "timestamp '1970-01-02 00:00:00'"]]),
  spec('last_day(t)', 'date', ['temporal'], fixed('date'), ([t], [tt]) => {
    const c = civilFromDays(Math.floor(micros(t, tt) / US_PER_DAY));
    return daysFromCivil(c.year, c.month, daysInMonth(c.year, c.month));
  }, 'the last day of the month', [["last_day(date '2024-02-10')", "date '2024-02-29'"]]),
  spec('dayname(t)', 'date', ['temporal'], fixed('string'), ([t], [tt]) => strftime(micros(t, tt), '%A'), 'the English name of the weekday', [["dayname(date '2024-01-07')", "'Sunday'"]]),
  spec('monthname(t)', 'date', ['temporal'], fixed('string'), ([t], [tt]) => strftime(micros(t, tt), '%B'), 'the English name of the month', [["monthname(date '2024-01-07')", "'January'"]]),
  spec('to_years(n)', 'date', ['integer'], fixed('interval'), toInterval('months', 12), 'an interval of n years', [["date '2024-02-29' + to_years(1)", "timestamp '2025-02-28 00:00:00'"]]),
  spec('to_months(n)', 'date', ['integer'], fixed('interval'), toInterval('months', 1), 'an interval of n months', [["date '2024-01-31' + to_months(1)", "timestamp '2024-02-29 00:00:00'"]]),
  spec('to_weeks(n)', 'date', ['integer'], fixed('interval'), toInterval('days', 7), 'an interval of n weeks', [["date '2024-01-31' + to_weeks(1)", "timestamp '2024-02-07 00:00:00'"]]),
  spec('to_days(n)', 'date', ['integer'], fixed('interval'), toInterval('days', 1), 'an interval of n days', [["date '2024-01-31' + to_days(1)", "timestamp '2024-02-01 00:00:00'"]]),
  spec('to_hours(n)', 'date', ['integer'], fixed('interval'), toInterval('micros', US_PER_HOUR), 'an interval of n hours', [["timestamp '2024-01-31 23:00:00' + to_hours(2)", "timestamp '2024-02-01 01:00:00'"]]),
  spec('to_minutes(n)', 'date', ['integer'], fixed('interval'), toInterval('micros', US_PER_MINUTE), 'an interval of n minutes', [["timestamp '2024-01-31 23:00:00' + to_minutes(90)", "timestamp '2024-02-01 00:30:00'"]]),
  spec('to_milliseconds(n)', 'date', ['integer'], fixed('interval'), toInterval('micros', 1000), 'an interval of n milliseconds', [["epoch_ms(timestamp '1970-01-01 00:00:00' + to_milliseconds(1500))", '1500']]),
  spec('to_seconds(n)', 'date', ['integer'], fixed('interval'), toInterval('micros', US_PER_SECOND), 'an interval of n seconds', [["timestamp '2024-01-31 23:59:59' + to_seconds(1)", "timestamp '2024-02-01 00:00:00'"]]),
];

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function finite(x: number, fn: string): number {
  if (x === Infinity || x === -Infinity) throw new EvalError(`${fn}(${x}): input out of range`, 'filter out infinite values first, e.g. with isinf(x)');
  return x;
}

function logArg(x: number): number {
  if (x === 0) throw new EvalError('cannot take the logarithm of zero', 'filter the rows first, e.g. with a CASE or a where condition');
  if (x < 0) throw new EvalError(`cannot take the logarithm of a negative number (${x})`, 'filter the rows first, e.g. with a CASE or a where condition');
  return x;
}

function pick(args: Scalar[], sign: 1 | -1): Scalar {
  let best: Scalar = null;
  for (const a of args) if (a !== null && (best === null || orderOf(a, best) * sign > 0)) best = a;
  return best;
}

const BY_NAME = new Map<string, FunctionSpec>();
for (const f of FUNCTIONS) for (const n of [f.name, ...(f.aliases ?? [])]) BY_NAME.set(n, f);

export function findFunction(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every name a function can be called by, for "did you mean". */
export function functionNames(): string[] {
  return [...BY_NAME.keys()];
}

