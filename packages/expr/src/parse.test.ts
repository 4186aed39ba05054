import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { parseExpression } from './parse.js';

/** The tree as an S-expression, to check precedence at a glance. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal': return typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'column': return e.name;
    case 'variable': return `{{${e.name}}}`;
    case 'unary': return `(${e.op} ${show(e.operand)})`;
    case 'binary': return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'isNull': return `(${e.negated ? 'is-not-null' : 'is-null'} ${show(e.operand)})`;
    case 'in': return `(${e.negated ? 'not-in' : 'in'} ${show(e.operand)} [${e.items.map(show).join(' ')}])`;
    case 'call': return `(${e.name}() ${e.args.map(show).join(' ')})`;
    case 'case': return `(case ${e.whens.map((w) => `[${show(w.when)} ${show(w.then)}]`).join(' ')}${e.otherwise ? ` else ${show(e.otherwise)}` : ''})`;
    case 'like': return `(${e.negated ? 'not-' : ''}${e.caseInsensitive ? 'ilike' : 'like'} ${show(e.operand)} ${show(e.pattern)}${e.escape ? ` ${show(e.escape)}` : ''})`;
    case 'cast': return `(${e.tryCast ? 'try_cast' : 'cast'} ${show(e.operand)} ${e.to})`;
  }
}

function parsed(source: string): string {
  const { expr, errors } = parseExpression(source);
  expect(errors).toEqual([]);
  return show(expr!);
}

function errorsOf(source: string) {
  const { expr, errors } = parseExpression(source);
  expect(expr).toBeNull();
  return errors;
}

describe('parseExpression: precedence', () => {
  it.each([
    ['a or b and c', '(or a (and b c))'],
    ['a or b && c', '(or a (and b c))'],
    // || is SQL's string concatenation: tighter than comparisons, looser than + and -.
    ["a || 'x' = b", "(== (|| a 'x') b)"],
    ['a || b + 1', '(|| a (+ b 1))'],
    ['a // b * c', '(* (// a b) c)'],
    ['x between 1 and 10 and y', '(and (and (>= x 1) (<= x 10)) y)'],
    ['x not between 1 and a + 1', '(or (< x 1) (> x (+ a 1)))'],
    ["name like 'a%' or name not ilike '%B_'", "(or (like name 'a%') (not-ilike name '%B_'))"],
    ["s like 'a!%' escape '!'", "(like s 'a!%' '!')"],
    ["case when x > 0 then 'pos' when x < 0 then 'neg' else 'zero' end", "(case [(> x 0) 'pos'] [(< x 0) 'neg'] else 'zero')"],
    ["case x when 1 then 'one' end", "(case [(== x 1) 'one'])"],
    ['if(a, 1, 2) + 1', '(+ (case [a 1] else 2) 1)'],
    ['cast(x AS bigint) + try_cast(y as decimal(10, 2))', '(+ (cast x integer) (try_cast y decimal(10,2)))'],
    ['x::double * 2', '(* (cast x float) 2)'],
    ["date '2024-01-31' + interval '3 days'", "(+ (cast '2024-01-31' date) (cast '3 days' interval))"],
    ['current_date - 1', '(- (current_date() ) 1)'],
    ['`date` = date', '(== date date)'],
    ['not a and b', '(and (not a) b)'],
    ['not a == b', '(not (== a b))'],
    ['!a = b or c', '(or (not (== a b)) c)'],
    ['a + b * c - d', '(- (+ a (* b c)) d)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b % c', '(% (/ a b) c)'],
    ['-a * b', '(* (neg a) b)'],
    ['-(a + b)', '(neg (+ a b))'],
    ['a + b > c * 2 and d <> e', '(and (> (+ a b) (* c 2)) (!= d e))'],
    ['(a or b) and c', '(and (or a b) c)'],
    ['a is null or b is not null', '(or (is-null a) (is-not-null b))'],
    ['a + 1 is null', '(is-null (+ a 1))'],
    ["x in (1, -2, 'a') and y not in (b)", "(and (in x [1 -2 'a']) (not-in y [b]))"],
    ['not x in (1)', '(not (in x [1]))'],
    ["lower(`unit name`) == {{ context.env }}", "(== (lower() unit name) {{context.env}})"],
    ['COALESCE(a, b, 0) >= Round(x, 2)', '(>= (coalesce() a b 0) (round() x 2))'],
    ['f()', '(f() )'],
    ['a AND b OR NOT c', '(or (and a b) (not c))'],
    ['TRUE and False or NULL', '(or (and true false) null)'],
    ['(a < b) == true', '(== (< a b) true)'],
  ])('%s', (source, tree) => {
    expect(parsed(source)).toBe(tree);
  });

  it('folds a minus sign into a number literal', () => {
    expect(parseExpression('-5').expr).toMatchObject({ kind: 'literal', value: -5n, start: 0, end: 2 });
    expect(parseExpression('-2.5').expr).toMatchObject({ kind: 'literal', value: -2.5 });
  });

  it('keeps integers exact beyond 2^53 and reads a point or exponent as a float', () => {
    expect(parseExpression('9007199254740993').expr).toMatchObject({ value: 9007199254740993n });
    expect(parseExpression('1.0').expr).toMatchObject({ value: 1 });
    expect(parseExpression('1e3').expr).toMatchObject({ value: 1000 });
  });

  it('gives every node its source span', () => {
    const { expr } = parseExpression("age > 18 and name == 'x'");
    expect(expr).toMatchObject({ start: 0, end: 24, left: { start: 0, end: 8 }, right: { start: 13, end: 24, right: { start: 21, end: 24 } } });
  });
});

describe('parseExpression: errors', () => {
  it('names a stray closing parenthesis and its column', () => {
    const [e] = errorsOf('age > 18 and x)');
    expect(e).toMatchObject({ message: "unexpected ')' at column 15", start: 14, end: 15, hint: "remove it or add a matching '('" });
  });

  it('reports a missing operand after an operator', () => {
    expect(errorsOf('age >')[0]).toMatchObject({ message: "expected a value after '>', found end of expression at column 6", start: 5 });
    expect(errorsOf('age > and b')[0].message).toBe("expected a value after '>', found 'and' at column 7");
  });

  it('reports an unclosed parenthesis', () => {
    expect(errorsOf('(a or b')[0].message).toBe("expected ')' to close the '(' at column 1, found end of expression at column 8");
  });

  it('reports a missing operator between values', () => {
    const [e] = errorsOf('age > 18 category');
    expect(e).toMatchObject({ message: 'unexpected name `category` at column 10', start: 9, end: 17 });
    expect(e.hint).toContain("'and'");
  });

  it('rejects chained comparisons', () => {
    expect(errorsOf('1 < a < 3')[0].message).toBe("comparisons cannot be chained: '<' follows '<' at column 7");
  });

  it('explains `is` without null and `in` without a list', () => {
    expect(errorsOf('a is 3')[0].message).toBe("expected 'null' after 'is', found number 3 at column 6");
    expect(errorsOf('a in 1, 2')[0].message).toBe("expected '(' after 'in', found number 1 at column 6");
    expect(errorsOf('a in ()')[0].message).toBe("empty list after 'in' at column 6");
  });

  it('reports unclosed argument lists', () => {
    expect(errorsOf('lower(a')[0].message).toBe("expected ',' or ')' in the arguments of lower() opened at column 6, found end of expression at column 8");
  });

  it('reports an empty expression', () => {
    expect(errorsOf('   ')[0]).toMatchObject({ message: 'empty expression at column 1' });
  });

  it('collects several errors in one pass', () => {
    const errors = errorsOf("a & b == 'x' and (c > ) or d)");
    expect(errors.map((e) => e.message)).toEqual([
      "unexpected character '&' at column 3",
      "expected a value after '>', found ')' at column 23",
      "unexpected ')' at column 29",
    ]);
  });

  it('recovers inside a group so one mistake gives one error', () => {
    expect(errorsOf('(a b) and c').map((e) => e.message)).toEqual(["expected ')' to close the '(' at column 1, found name `b` at column 4"]);
  });

  it('gives line and column for multi-line sources', () => {
    expect(errorsOf('a > 1\nand )')[0].message).toBe("expected a value after 'and', found ')' at line 2, column 5");
  });
});
