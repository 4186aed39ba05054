import { describe, expect, it } from 'vitest';
import { ExprError } from './diagnostic.js';
import { evaluateScalar } from './evaluate-scalar.js';
import { parseExpression } from './parse.js';

function run(source: string, vars: Record<string, unknown> = {}): unknown {
  const { expr, errors } = parseExpression(source);
  expect(errors).toEqual([]);
  return evaluateScalar(expr!, (name) => vars[name]);
}

function failure(source: string, vars: Record<string, unknown> = {}): ExprError {
  try {
    run(source, vars);
  } catch (e) {
    if (e instanceof ExprError) return e;
    throw e;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('evaluateScalar', () => {
  it('evaluates valve conditions over template variables', () => {
    const vars = { load__row_count: 12, 'context.env': 'prod' };
    expect(run("{{load__row_count}} > 0 and {{context.env}} == 'prod'", vars)).toBe(true);
    expect(run("{{load__row_count}} > 0 and {{context.env}} == 'prod'", { ...vars, load__row_count: 0 })).toBe(false);
    expect(run('{{ load__row_count }} * 2', vars)).toBe(24);
  });

  it('resolves bare names through the same lookup', () => {
    expect(run("x > 1 and env = 'dev'", { x: 2, env: 'dev' })).toBe(true);
  });

  it('accepts bigint and Date values', () => {
    expect(run('n + 1', { n: 41n })).toBe(42);
    expect(run("d >= '2024-01-31' and d < '2024-02-01'", { d: new Date('2024-01-31T12:00:00Z') })).toBe(true);
    expect(run('coalesce(d, e)', { d: null, e: new Date(0) })).toEqual(new Date(0));
  });

  it.each([
    // and / or / not truth tables with null
    ['null and false', false],
    ['false and null', false],
    ['null and true', null],
    ['null and null', null],
    ['true and true', true],
    ['null or true', true],
    ['true or null', true],
    ['null or false', null],
    ['false or false', false],
    ['not null', null],
    ['not false', true],
    ['!true', false],
    // comparisons and arithmetic with null
    ['null == null', null],
    ['1 != null', null],
    ['null + 1', null],
    ['-n', null],
    ['null is null', true],
    ['1 is not null', true],
    // division by zero
    ['1 / 0', null],
    ['5 % 0', null],
    ['7 / 2', 3.5],
    ['-7 % 3', -1],
    ['2 + 3 * 4 - 1', 13],
    // in with nulls
    ['1 in (1, null)', true],
    ['2 in (1, null)', null],
    ['2 not in (1, null)', null],
    ['2 not in (1, 3)', true],
    ['null in (1, 2)', null],
    ["'b' in ('a', 'b')", true],
    // strings: code point order, = and <>
    ["'a' < 'b'", true],
    ["'Z' < 'a'", true],
    ["'é' > 'z'", true],
    ["'\uFFFD' < '😀'", true],
    ["'abc' = 'abc'", true],
    ["'abc' <> 'abd'", true],
    ['true > false', true],
    // functions
    ["lower('ÀBC')", 'àbc'],
    ["upper('straße')", 'STRAẞE'],
    ["length('Zoë😀')", 4],
    ['abs(-2.5)', 2.5],
    ['round(2.5)', 3],
    ['round(-2.345, 2)', -2.35],
    ["coalesce(null, null, 'x', 'y')", 'x'],
    ['coalesce(null, null)', null],
    ["starts_with('Zoë', 'Zo')", true],
    ["ends_with('Zoë', 'ë')", true],
    ["contains('Zoë', 'oë')", true],
    ["contains('Zoë', '')", true],
    ["lower(null) is null", true],
    ["starts_with(null, 'x')", null],
  ])('%s = %s', (source, expected) => {
    expect(run(source, { n: null })).toBe(expected);
  });

  it('compares date variables with each other', () => {
    expect(run('a < b', { a: new Date(1), b: new Date(2) })).toBe(true);
  });

  it('reports an unknown variable', () => {
    const e = failure('{{missing}} > 1 and {{missing}} < 5');
    expect(e.diagnostics).toEqual([
      { message: 'unknown variable {{missing}}', start: 0, end: 11, hint: expect.stringContaining('check the spelling') },
    ]);
  });

  it('treats a null variable as null, not as missing', () => {
    expect(run('{{x}} is null', { x: null })).toBe(true);
  });

  it('rejects type mismatches and unusable values', () => {
    expect(failure("{{n}} > 'a'", { n: 1 }).message).toContain('cannot compare an integer with a string');
    expect(failure('{{o}} == 1', { o: { a: 1 } }).message).toContain('variable {{o}} holds an object');
    expect(failure('nope(1)').message).toContain('unknown function `nope()`');
  });

  it('reports a date variable compared with a non-ISO string variable', () => {
    expect(failure('d > s', { d: new Date(0), s: 'soon' }).message).toContain("cannot cast 'soon' (VARCHAR) to TIMESTAMP");
  });
});
