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

  it('reads DISTINCT, a quantile\'s p, a separator and a count_if condition', () => {
    expect(parseAggregates({ d: 'count(DISTINCT city)', q: 'quantile_cont(wind, 0.9)', s: "string_agg(`town name`, '; ')", s2: 'string_agg(town)', c: "count_if(wind > 3 and city = 'a,b')" }).specs).toEqual([
      { name: 'd', fn: 'count', column: 'city', distinct: true },
      { name: 'q', fn: 'quantile_cont', column: 'wind', p: '0.9' },
      { name: 's', fn: 'string_agg', column: 'town name', separator: '; ' },
      { name: 's2', fn: 'string_agg', column: 'town' },
      { name: 'c', fn: 'count_if', column: null, condition: "wind > 3 and city = 'a,b'" },
    ]);
  });

  it('reports every bad entry, each with its fix', () => {
    const { specs, problems } = parseAggregates({ a: 'medain(amount)', b: 'sum(*)', c: 'count', ok: 'max(v)', d: 'avg()', e: 'sum amount', f: 3, g: 'coutn(*)', h: 'first(distinct x)', i: 'sum(f(a))', j: 'quantile_cont(x, 1.5)', k: 'count_if(x >)' });
    expect(specs).toEqual([{ name: 'ok', fn: 'max', column: 'v' }]);
    expect(problems).toEqual([
      `a: "medain(amount)": unknown function medain (did you mean median?); allowed: ${aggregateSignatures()}`,
      'b: "sum(*)": sum(*) is not defined; only count(*) takes *; write sum(col) or sum(distinct col)',
      'c: "count" needs its column in parentheses: write count(*)',
      'd: "avg()": avg() needs a column; write avg(col) or avg(distinct col)',
      `e: "sum amount" is not an aggregate such as sum(amount) or count(*); allowed: ${aggregateSignatures()}`,
      'f: 3 is not an aggregate: write it as text such as "sum(amount)"',
      `g: "coutn(*)": unknown function coutn (did you mean count?); allowed: ${aggregateSignatures()}`,
      'h: "first(distinct x)": first does not take DISTINCT; write first(col)',
      'i: "sum(f(a))": "f(a)" is not a column name (an expression? compute it with derive_mod first; quote odd names in backticks); write sum(col) or sum(distinct col)',
      'j: "quantile_cont(x, 1.5)": p must be a number from 0 to 1, not 1.5; write quantile_cont(col, p) or quantile_cont(distinct col, p)',
      expect.stringMatching(/^k: "count_if\(x >\)": its condition does not parse: .*; write count_if\(condition\)$/),
    ]);
    expect(parseAggregates({}).problems).toEqual(['no aggregates given']);
  });

  it('lists every form of every function of the table', () => {
    expect(aggregateSignatures('stream')).toBe('count(*), count(col), sum(col), avg(col), min(col), max(col), first(col), last(col)');
    expect(aggregateSignatures()).toBe(
      "count(*), count([distinct] col), count_if(condition), sum([distinct] col), avg([distinct] col), min([distinct] col), max([distinct] col), first(col), last(col), stddev([distinct] col), stddev_samp([distinct] col), stddev_pop([distinct] col), variance([distinct] col), var_samp([distinct] col), var_pop([distinct] col), median([distinct] col), quantile_cont([distinct] col, p), quantile_disc([distinct] col, p), mode([distinct] col), string_agg([distinct] col, 'sep'), list([distinct] col), bool_and([distinct] col), bool_or([distinct] col)",
    );
    expect(AGGREGATE_FUNCTIONS.every((f) => !('problem' in parseAggregate(f.param === 'p' ? `${f.name}(x, 0.5)` : `${f.name}(x)`)))).toBe(true);
  });
});

describe('the result type rule', () => {
  const amount = new Field('amount', new Int32());
  const name = new Field('name', new Utf8());
  it('counts are int64, integer sums int64, means float64, lists of the column type, picks keep the column type', () => {
    expect(String(aggregateResultType('count', null))).toBe(String(new Int64()));
    expect(String(aggregateResultType('sum', amount))).toBe(String(new Int64()));
    expect(String(aggregateResultType('sum', new Field('f', new Float64())))).toBe(String(new Float64()));
    expect(String(aggregateResultType('median', amount))).toBe(String(new Float64()));
    expect(String(aggregateResultType('list', name))).toBe('List<Utf8>');
    expect(String(aggregateResultType('max', name))).toBe('Utf8');
    expect(String(aggregateResultType('first', amount))).toBe('Int32');
  });

  it('sum and avg need numbers', () => {
    expect(aggregateColumnProblem('sum', name)).toBe('sum(name) needs a numeric column, but "name" is Utf8');
    expect(aggregateColumnProblem('min', name)).toBeUndefined();
    expect(aggregateColumnProblem('avg', amount)).toBeUndefined();
  });
});
