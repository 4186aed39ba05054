import { Field, Float64, Int32, Int64, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_FUNCTIONS, aggregateColumnProblem, aggregateResultType, aggregateSignatures } from './aggregate-functions.js';
import { parseAggregate, parseAggregates } from './parse-aggregates.js';

describe('parseAggregates', () => {
  it('reads count(*), fn(col) in any case, and quoted column names', () => {
    expect(parseAggregates({ n: 'count(*)', c: 'COUNT( amount )', s: 'sum(amount)', o: 'first(`order id`)', l: 'Last(ts)' }).specs).toEqual([
      { name: 'n', fn: 'count', column: null },
      { name: 'c', fn: 'count', column: 'amount' },
      { name: 's', fn: 'sum', column: 'amount' },
      { name: 'o', fn: 'first', column: 'order id' },
      { name: 'l', fn: 'last', column: 'ts' },
    ]);
  });

  it('reports every bad entry, each with its fix', () => {
    const { specs, problems } = parseAggregates({ a: 'median(amount)', b: 'sum(*)', c: 'count', ok: 'max(v)', d: 'avg()', e: 'sum amount', f: 3, g: 'coutn(*)' });
    expect(specs).toEqual([{ name: 'ok', fn: 'max', column: 'v' }]);
    expect(problems).toEqual([
      `a: "median(amount)": no aggregate function "median"; the functions: ${aggregateSignatures()}`,
      'b: "sum(*)": sum(*) is not defined; only count(*) takes *',
      'c: "count" needs its column in parentheses: write count(*) to count rows',
      'd: "avg()": avg() needs a column',
      `e: "sum amount" is not an aggregate such as sum(amount) or count(*) (functions: ${aggregateSignatures()})`,
      'f: 3 is not an aggregate: write it as text such as "sum(amount)"',
      `g: "coutn(*)": no aggregate function "coutn" (did you mean "count"?); the functions: ${aggregateSignatures()}`,
    ]);
    expect(parseAggregates({}).problems).toEqual(['no aggregates given']);
  });

  it('lists every function of the table', () => {
    expect(aggregateSignatures()).toBe('count(*), count(col), sum(col), avg(col), min(col), max(col), first(col), last(col)');
    expect(AGGREGATE_FUNCTIONS.every((f) => !('problem' in parseAggregate(`${f.name}(x)`)))).toBe(true);
  });
});

describe('the result type rule', () => {
  const amount = new Field('amount', new Int32());
  const name = new Field('name', new Utf8());
  it('counts are int64, sums and means float64, the others keep the column type', () => {
    expect(String(aggregateResultType('count', null))).toBe(String(new Int64()));
    expect(String(aggregateResultType('sum', amount))).toBe(String(new Float64()));
    expect(String(aggregateResultType('max', name))).toBe('Utf8');
    expect(String(aggregateResultType('first', amount))).toBe('Int32');
  });

  it('sum and avg need numbers', () => {
    expect(aggregateColumnProblem('sum', name)).toBe('sum(name) needs a numeric column, but "name" is Utf8');
    expect(aggregateColumnProblem('min', name)).toBeUndefined();
    expect(aggregateColumnProblem('avg', amount)).toBeUndefined();
  });
});
