import { Bool, DateDay, Dictionary, Field, Float64, Int32, Int64, List, Schema, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { checkExpression } from './check-expression.js';
import { parseExpression } from './parse.js';

const schema = new Schema([
  new Field('age', new Int32(), true),
  new Field('big', new Int64(), true),
  new Field('amount', new Float64(), true),
  new Field('name', new Utf8(), true),
  new Field('category', new Dictionary(new Utf8(), new Int32()), true),
  new Field('active', new Bool(), true),
  new Field('born', new DateDay(), true),
  new Field('seen', new TimestampMillisecond(), true),
  new Field('tags', new List(new Field('item', new Utf8())), true),
]);

function check(source: string) {
  const { expr, errors } = parseExpression(source);
  expect(errors).toEqual([]);
  return checkExpression(expr!, schema);
}

describe('checkExpression', () => {
  it.each([
    'age > 18',
    "age > 18 and category != 'beta'",
    'not (amount * 2 >= 100.5) or name is null',
    "lower(name) == 'bob'",
    'big % 2 == 0 and active',
    "born >= '2024-01-01' and seen < '2024-02-01T00:00:00Z' and born < seen",
    "category in ('a', 'b', null) and age not in (1, 2)",
    'coalesce(amount, age, 0) > 1 and round(amount, 2) = abs(-1.5) and length(name) <> 3',
    "starts_with(name, 'A') or ends_with(name, {{x}}) or contains(category, name)",
    '{{anything}}',
    'age > {{min_age}} and name == {{who}}',
    'null',
  ])('accepts %s', (source) => {
    expect(check(source)).toEqual([]);
  });

  it('names an unknown column and suggests a close one', () => {
    const [d] = check("nme == 'bob'");
    expect(d).toMatchObject({ message: 'unknown column `nme`', start: 0, end: 3 });
    expect(d.hint).toMatch(/^did you mean `name`\?/);
  });

  it('lists the columns when nothing is close', () => {
    expect(check('zzzzzzz > 1')[0].hint).toBe('columns: age, big, amount, name, category, active, born, seen, tags');
  });

  it('names an unknown function and the allowed ones', () => {
    const [d] = check("lowr(name) == 'x'");
    expect(d).toMatchObject({ message: 'unknown function `lowr()`', start: 0, end: 4 });
    expect(d.hint).toContain('did you mean `lower()`?');
    expect(d.hint).toContain('docs/functions.md');
    expect(check('median(amount) > 1')[0].hint).toBe('`median()` is an aggregate: use the aggregate step, not an expression');
  });

  it('rejects comparing a string with a number', () => {
    const [d] = check("age > '18'");
    expect(d).toMatchObject({ message: 'cannot compare an integer with a string', start: 0, end: 10 });
    expect(d.hint).toContain("quote both sides ('18') or neither (18)");
  });

  it('reports every mismatch, once each', () => {
    expect(check("name + 1 > 2 or active == 'yes' or not age or nme > 1 and nme < 2").map((d) => d.message)).toEqual([
      "'+' cannot combine a string and an integer",
      'cannot compare true/false with a string',
      "'not' needs true/false, got an integer",
      'unknown column `nme`',
      'unknown column `nme`',
    ]);
  });

  it('checks function arity and argument types', () => {
    expect(check('length(name, 2) > 1')[0]).toMatchObject({ message: '`length()` takes 1 argument, got 2', hint: 'write length(s)' });
    expect(check('round() > 1')[0].message).toBe('`round()` takes 1 to 2 arguments, got 0');
    expect(check('upper(age) == 1')[0].message).toBe('argument 1 of `upper()` must be a string, got an integer');
    expect(check("coalesce(age, 'x') == 1")[0].message).toBe('the arguments of `coalesce()` must all have one type, got an integer and a string');
    expect(check('substr(name, 1.5) > 1')[0].message).toBe('argument 2 of `substr()` must be an integer, got a float');
  });

  it('accepts only ISO string constants against dates', () => {
    expect(check("born > '2024-13-01'")[0].message).toBe("'2024-13-01' is not an ISO date or date-time");
    // A string column is read as ISO text row by row (an error at run time when one is not).
    expect(check('born > name')).toEqual([]);
    expect(check('born > 3')[0].message).toBe('cannot compare a date with an integer');
  });

  it('requires a true/false result', () => {
    expect(check('amount * 2')[0]).toMatchObject({ message: 'a filter condition must be true/false, got a float', start: 0, end: 10 });
  });

  it('rejects columns of types expressions cannot read', () => {
    expect(check('tags is null')[0].message).toBe('column `tags` has type List<Utf8>, which expressions cannot read');
  });
});
