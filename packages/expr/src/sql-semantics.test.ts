import {
  DateDay, Decimal, Int32, Int64, RecordBatch, Schema, Field, Table, TimestampMicrosecond, TimestampNanosecond, Utf8, makeData, makeVector, vectorFromArray, type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { checkValue, compileValue } from './compile-value.js';
import { compilePredicate } from './compile-predicate.js';
import { ExprError } from './diagnostic.js';
import { evaluateScalar } from './evaluate-scalar.js';
import { checkExpression } from './check-expression.js';
import { parseExpression } from './parse.js';

const parse = (s: string) => {
  const { expr, errors } = parseExpression(s);
  expect(errors, s).toEqual([]);
  return expr!;
};
const scalar = (s: string, vars: Record<string, unknown> = {}) => evaluateScalar(parse(s), (n) => vars[n]);
const failure = (f: () => unknown): ExprError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ExprError) return e;
    throw e;
  }
  throw new Error('expected an ExprError');
};

function decimalColumn(values: (bigint | null)[], precision: number, scale: number): Vector {
  const words = new Uint32Array(values.length * 4);
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null) return;
    bitmap[i >> 3] |= 1 << (i & 7);
    let u = BigInt.asUintN(128, v);
    for (let w = 0; w < 4; w++, u >>= 32n) words[i * 4 + w] = Number(u & 0xffffffffn);
  });
  const nulls = values.filter((v) => v === null).length;
  return makeVector(makeData({ type: new Decimal(scale, precision, 128), length: values.length, nullCount: nulls, nullBitmap: bitmap, data: words }));
}

const rows = (t: Table, condition: string) => Array.from(compilePredicate(parse(condition), t.schema)(t.batches[0]));
const derive = (t: Table, source: string) => compileValue(parse(source), t.schema)(t.batches[0]);
const list = (v: Vector) => [...v].map((x) => (typeof x === 'bigint' ? x.toString() : x));

describe('integers are exact 64-bit', () => {
  const big = new Table({ j: vectorFromArray([9007199254740993n, 9007199254740992n, -9223372036854775808n, null, 5n], new Int64()) });

  it('compares int64 columns beyond 2^53 exactly', () => {
    expect(rows(big, 'j == 9007199254740992')).toEqual([1]);
    expect(rows(big, 'j == 9007199254740993')).toEqual([0]);
    expect(rows(big, 'j > 9007199254740992')).toEqual([0]);
    expect(rows(big, 'j in (9007199254740993, 5)')).toEqual([0, 4]);
    expect(scalar('j == 9007199254740992', { j: 9007199254740993n })).toBe(false);
  });

  it('computes integer arithmetic exactly and keeps it Int64', () => {
    const v = derive(big, 'j + 1');
    expect(String(v.type)).toBe('Int64');
    expect(failure(() => derive(big, 'j - 1')).message).toContain('integer overflow');
    const small = new Table({ j: vectorFromArray([9007199254740993n, 2n, null], new Int64()) });
    expect(list(derive(small, 'j + 1'))).toEqual(['9007199254740994', '3', null]);
    expect(list(derive(small, 'j * 3 - j'))).toEqual(['18014398509481986', '4', null]);
    expect(list(derive(small, 'j // 2'))).toEqual(['4503599627370496', '1', null]);
    expect(list(derive(small, 'j % 10'))).toEqual(['3', '2', null]);
  });

  it('recomputes in BigInt when Int32 arithmetic leaves ±2^53', () => {
    const t = new Table({ a: vectorFromArray([2_000_000_000, 3, null], new Int32()) });
    expect(failure(() => derive(t, 'a * a * a')).diagnostics[0]).toMatchObject({ message: expect.stringContaining('integer overflow in 4000000000000000000 * 2000000000'), start: 0, end: 9 });
    expect(list(derive(t, 'a * a * 2'))).toEqual(['8000000000000000000', '18', null]);
  });

  it('names the overflowing expression and its span, in valves too', () => {
    const e = failure(() => scalar('1 + 9223372036854775807 * 2'));
    expect(e.diagnostics[0]).toMatchObject({ start: 4, end: 27, hint: expect.stringContaining('cast') });
    expect(scalar('9223372036854775807 + 0')).toBe(9223372036854775807n);
    expect(failure(() => scalar('9223372036854775808 > 1')).diagnostics[0].message).toBe('the integer 9223372036854775808 does not fit in 64 bits');
  });

  it('keeps template integers integer', () => {
    expect(scalar('{{n}} + 1', { n: 41 })).toBe(42);
    const t = new Table({ x: vectorFromArray([1], new Int32()) });
    const kernel = compileValue(parse('{{iter.index}}'), t.schema, () => 3);
    expect(String(kernel.arrowType)).toBe('Int64');
    expect(String(checkValue(parse('x + 1'), t.schema).arrowType)).toBe('Int64');
    expect(String(checkValue(parse('x / 2'), t.schema).arrowType)).toBe('Float64');
  });
});

describe('decimals are exact', () => {
  const t = new Table({ price: decimalColumn([1005n, 1995n, null, -1n], 10, 3), qty: vectorFromArray([2, 3, 4, 5], new Int32()) });

  it('reads Decimal128 columns and compares exactly', () => {
    expect(checkExpression(parse('price > 1'), t.schema)).toEqual([]);
    expect(rows(t, 'price = 1.005')).toEqual([0]);
    expect(rows(t, "price = cast('1.005' AS decimal(10, 3))")).toEqual([0]);
    expect(rows(t, 'price < 0')).toEqual([3]);
  });

  it('adds and multiplies into Decimal128 with DuckDB scales', () => {
    const sum = derive(t, 'price + price');
    expect(sum.type).toBeInstanceOf(Decimal);
    expect(sum.type).toMatchObject({ precision: 11, scale: 3 });
    expect(list(derive(t, 'cast(price + price AS varchar)'))).toEqual(['2.010', '3.990', null, '-0.002']);
    const total = compileValue(parse('price * qty'), t.schema);
    expect(total.type).toBe('decimal(29,3)');
    expect(scalar("cast(cast('1.005' AS decimal(10,3)) * 3 AS varchar)")).toBe('3.015');
    expect(scalar("cast(cast('0.1' AS decimal(5,1)) + cast('0.2' AS decimal(5,1)) AS varchar)")).toBe('0.3');
    expect(scalar("cast(round(cast('1.005' AS decimal(10,3)), 2) AS varchar)")).toBe('1.010');
    expect(list(derive(t, 'cast(price * qty AS varchar)'))).toEqual(['2.010', '5.985', null, '-0.005']);
    expect(list(derive(t, 'price / 2'))).toEqual([0.5025, 0.9975, null, -0.0005]);
  });
});

describe('dates and timestamps', () => {
  const t = new Table({
    d: vectorFromArray([new Date('2024-01-31T00:00:00Z'), new Date('2024-02-29T00:00:00Z'), null], new DateDay()),
    ts: makeVector(makeData({ type: new TimestampMicrosecond(), length: 3, nullCount: 0, data: BigInt64Array.of(1711846800000000n, 1711850400123456n, 0n) })),
  });

  it('keeps dates and timestamps apart as DuckDB does', () => {
    expect(compileValue(parse('d - d'), t.schema).type).toBe('integer');
    expect(compileValue(parse('d + 1'), t.schema).type).toBe('date');
    expect(compileValue(parse("date_trunc('month', d)"), t.schema).type).toBe('timestamp');
    expect(compileValue(parse("d + interval '1 month'"), t.schema).type).toBe('timestamp');
    expect(list(derive(t, "cast(d + interval '1 month' AS varchar)"))).toEqual(['2024-02-29 00:00:00', '2024-03-29 00:00:00', null]);
    expect(list(derive(t, "cast(d + 1 AS varchar)"))).toEqual(['2024-02-01', '2024-03-01', null]);
    expect(list(derive(t, "date_diff('day', d, date '2024-03-01')"))).toEqual(['30', '1', null]);
  });

  it('is UTC throughout: daylight-saving nights are ordinary hours', () => {
    // 2024-03-31 01:00 UTC is when Europe moves its clocks; nothing moves here.
    expect(list(derive(t, "cast(ts AS varchar)"))).toEqual(['2024-03-31 01:00:00', '2024-03-31 02:00:00.123456', '1970-01-01 00:00:00']);
    expect(list(derive(t, "cast(ts + interval '1 hour' AS varchar)"))).toEqual(['2024-03-31 02:00:00', '2024-03-31 03:00:00.123456', '1970-01-01 01:00:00']);
    expect(list(derive(t, 'hour(ts)'))).toEqual(['1', '2', '0']);
    expect(rows(t, "ts >= '2024-03-31T03:00:00+02:00'")).toEqual([0, 1]);
    expect(rows(t, "ts < timestamp '2024-03-31 02:00:00'")).toEqual([0, 2]);
    expect(scalar("strftime(timestamp '2024-10-27 01:30:00' + interval '1 hour', '%H:%M')")).toBe('02:30');
  });

  it('truncates nanosecond timestamps to microseconds', () => {
    const ns = new Table({ t: makeVector(makeData({ type: new TimestampNanosecond(), length: 1, nullCount: 0, data: BigInt64Array.of(1_000_001_999n) })) });
    expect(list(derive(ns, "cast(t AS varchar)"))).toEqual(['1970-01-01 00:00:01.000001']);
  });

  it('returns dates and timestamps from valve conditions as Date', () => {
    expect(scalar("date '2024-01-31' + 1")).toEqual(new Date('2024-02-01T00:00:00Z'));
    expect(scalar("make_timestamp(2024, 1, 31, 8, 30, 0)")).toEqual(new Date('2024-01-31T08:30:00Z'));
  });
});

describe('syntax at work', () => {
  const t = new Table({ name: vectorFromArray(['Ann', 'bob', null, '50%'], new Utf8()), n: vectorFromArray([1, 15, null, 7], new Int32()) });

  it('evaluates CASE, if, BETWEEN, LIKE and || over columns', () => {
    expect(list(derive(t, "case when n > 10 then 'big' when n > 5 then 'mid' else 'small' end"))).toEqual(['small', 'big', 'small', 'mid']);
    expect(list(derive(t, "case n when 1 then 'one' when 7 then 'seven' end"))).toEqual(['one', null, null, 'seven']);
    expect(list(derive(t, 'if(n between 5 and 10, n, -n)'))).toEqual(['-1', '-15', null, '7']);
    expect(rows(t, "name like 'A%' or name ilike 'B_B'")).toEqual([0, 1]);
    expect(rows(t, "name like '%!%' escape '!'")).toEqual([3]);
    expect(rows(t, "name not like '%n'")).toEqual([1, 3]);
    expect(list(derive(t, "name || '-' || n"))).toEqual(['Ann-1', 'bob-15', null, '50%-7']);
    expect(list(derive(t, "concat(name, '-', n)"))).toEqual(['Ann-1', 'bob-15', '-', '50%-7']);
    expect(list(derive(t, "try_cast(name AS bigint)"))).toEqual([null, null, null, null]);
    expect(list(derive(t, "n::varchar || 'x'"))).toEqual(['1x', '15x', null, '7x']);
  });

  it('folds constants so functions never meet an unhandled constant', () => {
    expect(list(derive(t, "upper(coalesce('b', name))"))).toEqual(['B', 'B', 'B', 'B']);
    expect(list(derive(t, "upper(coalesce(name, 'b'))"))).toEqual(['ANN', 'BOB', 'B', '50%']);
    expect(list(derive(t, "length(coalesce('abc', name))"))).toEqual(['3', '3', '3', '3']);
    expect(list(derive(t, 'abs(coalesce(-2, n))'))).toEqual(['2', '2', '2', '2']);
    expect(list(derive(t, "lower(coalesce(null, name, 'Z'))"))).toEqual(['ann', 'bob', 'z', '50%']);
  });

  it('says `||` is no longer or when it meets true/false', () => {
    const d = checkExpression(parse('(n > 1) || (n < 0)'), t.schema)[0];
    expect(d).toMatchObject({ message: '`||` joins strings; it is no longer `or`', start: 0, end: 18 });
    expect(d.hint).toContain('`a or b`');
    // Unparenthesised, || binds tighter than the comparisons, as in SQL: the parser says the same.
    const [p] = parseExpression('n > 1 || n < 0').errors;
    expect(p).toMatchObject({ message: '`||` joins strings; it is no longer `or` at column 7', start: 6, end: 8, hint: expect.stringContaining('or') });
    expect(checkExpression(parse('n > 1 || 2'), t.schema)[0].hint).toContain('it is no longer `or`');
  });

  it('points every error at its span with a hint', () => {
    const check = (s: string) => checkExpression(parse(s), t.schema)[0];
    expect(check("cast(name AS date) > '2024-01-01' and cast('x' AS bigint) = 1")).toMatchObject({ message: "cannot cast 'x' (VARCHAR) to BIGINT", start: 38, end: 57 });
    expect(check("n + 'a' > 1")).toMatchObject({ message: "'+' cannot combine an integer and a string", start: 0, end: 7, hint: expect.stringContaining('||') });
    expect(check("date_trunc('fortnight', now()) > now()")).toMatchObject({ message: "unknown unit 'fortnight' for date_trunc()", start: 11, end: 22 });
    expect(check("regexp_matches(name, '(')")).toMatchObject({ start: 21, end: 24, message: expect.stringContaining('invalid regular expression') });
    expect(check("case when n then 1 end = 1")).toMatchObject({ message: 'a WHEN condition needs true/false, got an integer', start: 10, end: 11 });
    expect(check("case when n > 1 then 1 else 'x' end = 1")).toMatchObject({ start: 28, end: 31 });
    expect(check('n // 2.5 > 1')).toMatchObject({ message: '`//` is integer division: both sides must be integers', hint: 'write floor(a / b) for floats' });
    expect(check('cast(n AS date) > 1')).toMatchObject({ message: 'cannot cast an integer to DATE', start: 0, end: 15 });
    expect(check('yeer(n) > 1')).toMatchObject({ message: 'unknown function `yeer()`', hint: expect.stringContaining('did you mean `year()`') });
    const failed = failure(() => derive(t, "strptime(name, '%Y')"));
    expect(failed.diagnostics[0]).toMatchObject({ message: "'Ann' does not match the format '%Y'", start: 0, end: 20, hint: expect.stringContaining('try_strptime') });
    const parseErr = parseExpression("case when n > 1 then 'a' else 'b'").errors[0];
    expect(parseErr).toMatchObject({ message: "expected 'end' to close the CASE at column 1, found end of expression at column 34", hint: "add 'end'" });
    expect(parseExpression('cast(n AS widget)').errors[0]).toMatchObject({ message: 'unknown type `widget` at column 11', start: 10, end: 16 });
    expect(parseExpression('n between 1').errors[0].message).toContain("expected 'and' in 'between'");
  });
});

describe('batches from other schemas', () => {
  it('still refuses a batch whose column changed type', () => {
    const schema = new Schema([new Field('n', new Int32())]);
    const kernel = compileValue(parse('n + 1'), schema);
    const other = new RecordBatch({ n: vectorFromArray(['x'], new Utf8()).data[0] });
    expect(() => kernel(other)).toThrow('compiled for an integer');
  });
});

describe('more SQL spellings', () => {
  it('reads IS [NOT] DISTINCT FROM and extract(part FROM t)', () => {
    expect(scalar('1 is distinct from null')).toBe(true);
    expect(scalar('null is not distinct from null')).toBe(true);
    expect(scalar('2 is distinct from 2')).toBe(false);
    expect(scalar("extract(year from date '2024-03-01')")).toBe(2024);
    expect(scalar("position('b' in 'abc')")).toBe(2);
    expect(scalar("position('abc', 'c')")).toBe(3);
    expect(scalar(String.raw`regexp_replace('Hello World', '(\w+) (\w+)', '\2 \1')`)).toBe('World Hello');
    const t = new Table({ a: vectorFromArray([1, null, 3], new Int32()), b: vectorFromArray([1, null, 4], new Int32()) });
    expect(rows(t, 'a is not distinct from b')).toEqual([0, 1]);
    expect(rows(t, 'a is distinct from b')).toEqual([2]);
  });
});

describe('ILIKE folds case as lower() does', () => {
  it('matches İ and Σ as DuckDB does', () => {
    expect(scalar("'İstanbul' ilike 'istanbul'")).toBe(true);
    expect(scalar("'ΣΑΣ' ilike 'σας'")).toBe(false);
    expect(scalar("'ΣΑΣ' ilike 'σασ'")).toBe(true);
    const t = new Table({ s: vectorFromArray(['İstanbul', 'ISTANBUL', 'Ankara', null], new Utf8()) });
    expect(rows(t, "s ilike 'ist%'")).toEqual([0, 1]);
    expect(rows(t, "s not ilike '%BUL'")).toEqual([2]);
  });

  it('casts a DOUBLE to DECIMAL as DuckDB does: x * 10^s rounded half away from zero', () => {
    expect(scalar("cast(cast(cast(2.675 AS double) AS decimal(10, 2)) AS varchar)")).toBe('2.68');
    expect(scalar("cast(cast(cast(1.005 AS double) AS decimal(10, 2)) AS varchar)")).toBe('1.00');
    expect(scalar("cast(cast(-0.125 AS decimal(10, 2)) AS varchar)")).toBe('-0.13');
  });
});

describe('every diagnostic points into the source and says what to do', () => {
  const schema = new Schema([new Field('n', new Int32()), new Field('s', new Utf8()), new Field('d', new DateDay())]);
  it.each([
    'n >> 1', "s + 1 > 2", 'not n', '-s = 1', "n = 'x'", 'd > 3', 'nn > 1', 'yeer(d) = 1', 'substr(s) = 1', 'substr(n, 1) = 1',
    "cast(s AS widget) = 1", "cast('x' AS bigint) = 1", 'cast(d AS bigint) = 1', "case when n then 1 end = 1", "case when n > 1 then 1 else 'a' end = 1",
    "s like 1", "s like 'a' escape 'ab'", "date_trunc('eon', d) = d", "regexp_matches(s, '[')", 'n // 1.5 = 1', '(n = 1) || (n = 2)', 'true || false',
    "d + interval 'soon' = d", 'end > 1', '* 2', "d > '2024-13-45'", '9223372036854775808 = n', 'coalesce(n, s) = 1', 'greatest(n, d) = 1', 'n + d = 1', 'n between 1', 'case n end',
  ])('%s', (source) => {
    const { expr, errors } = parseExpression(source);
    const diagnostics = expr ? checkExpression(expr, schema) : errors;
    expect(diagnostics.length, source).toBeGreaterThan(0);
    for (const d of diagnostics) {
      expect(d.hint, `${source}: ${d.message}`).toBeTruthy();
      expect(d.start, d.message).toBeGreaterThanOrEqual(0);
      // A missing token at the end is pointed at just past the text.
      expect(d.end, d.message).toBeLessThanOrEqual(source.length + 1);
      expect(d.end, d.message).toBeGreaterThanOrEqual(d.start);
    }
  });
});

describe('DuckDB spellings from the matrix', () => {
  it('accepts RE2 POSIX classes and one-letter Unicode classes', () => {
    expect(scalar("regexp_matches('abc', '^[[:alpha:]]+$')")).toBe(true);
    expect(scalar("regexp_matches('ab1', '^[[:alpha:]]+$')")).toBe(false);
    expect(scalar("regexp_replace('a1b2', '[[:digit:]]', '', 'g')")).toBe('ab');
    expect(scalar("regexp_matches('é', '^\\\\pL$')")).toBe(true);
  });

  it('rounds huge doubles to themselves, refuses trigonometry of infinity, truncates centuries to multiples of 100', () => {
    expect(scalar('round(1e300, 15)')).toBe(1e300);
    expect(failure(() => scalar("sin(cast('inf' AS double))")).message).toContain('input out of range');
    expect(scalar("date_trunc('century', date '2024-05-01')")).toEqual(new Date('2000-01-01T00:00:00Z'));
    expect(scalar("strftime(timestamp '2024-01-02 03:04:05.5', '%T %h [%Z] %n')")).toBe('03:04:05 Jan [] 500000000');
  });
});

describe('keyword calls report a missing parenthesis', () => {
  it.each([["extract(year from d", "expected ')' to close extract("], ["position('a' in s", "expected ')' to close position("]])('%s', (source, message) => {
    expect(parseExpression(source).errors[0].message).toContain(message);
  });
});

describe('more DuckDB agreements from the matrix', () => {
  it('rounds decimals to negative digits, keeps -0.0, writes doubles as DuckDB does', () => {
    expect(scalar("cast(round(cast('123.450' AS decimal(10, 3)), -1) AS varchar)")).toBe('120.000');
    expect(scalar("cast(round(cast('-2.500' AS decimal(10, 3)), -1) AS varchar)")).toBe('0.000');
    expect(scalar("cast(round(cast('-0.0' AS double), 1) AS varchar)")).toBe('-0.0');
    expect(scalar("cast(cast('1e16' AS double) AS varchar) || ' ' || cast(cast('0.00005' AS double) AS varchar) || ' ' || cast(1e15 AS varchar)"))
      .toBe('1e+16 5e-05 1000000000000000.0');
  });

  it('concatenates a boolean with text, and gives nullif the type of its first argument', () => {
    expect(scalar("true || ''")).toBe('true');
    const t = new Table({ n: vectorFromArray([1, 2], new Int32()) });
    expect(compileValue(parse('nullif(n, 1.0)'), t.schema).type).toBe('integer');
    expect(list(derive(t, 'nullif(n, 1.0)'))).toEqual([null, '2']);
  });
});
