import { fileURLToPath } from 'node:url';
import { Bool, DateDay, Decimal, Float64, Int32, Int64, Table, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, type ModuleOutputs, toTable } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import { aggregateSignatures } from '@pypeline/expr';
import aggregateMod from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const day = (d: number) => new Date(Date.UTC(2024, 0, d));
const part = (customer: (string | null)[], amount: (number | null)[], qty: number[], on: number[]) => new Table({
  customer: vectorFromArray(customer, new Utf8()),
  amount: vectorFromArray(amount, new Float64()),
  qty: vectorFromArray(qty, new Int32()),
  on: vectorFromArray(on.map(day), new DateDay()),
}).batches[0];
const withFlags = new Table({
  customer: vectorFromArray(['ann', 'bob', 'ann', 'ann', null], new Utf8()),
  amount: vectorFromArray([10, 5, null, 30, 7], new Float64()),
  qty: vectorFromArray([1, 2, 3, 4, 5], new Int32()),
  flag: vectorFromArray([false, false, null, true, null], new Bool()),
  name: vectorFromArray(['x', 'y', null, 'z', null], new Utf8()),
});
const orders = new Table([part(['ann', 'bob', 'ann'], [10, 5, null], [1, 2, 3], [5, 2, 9]), part(['ann', null], [30, 7], [4, 5], [1, 3])]);

async function aggregate(config: Config, data: Table = orders) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'totals' });
  const table = await toTable(((await aggregateMod.run({ input: new MemoryArtifact(data) }, ctx)) as ModuleOutputs).output);
  return { table, ctx, rows: table.toArray().map((r) => r.toJSON()), types: table.schema.fields.map((f) => `${f.name}:${f.type}`) };
}

describe('aggregate_mod', () => {
  it('groups across batches and computes every function, SQL null rules', async () => {
    const { rows, types, ctx } = await aggregate({
      group_by: ['customer'],
      aggregates: { orders: 'count(*)', priced: 'count(amount)', revenue: 'sum(amount)', mean: 'AVG(amount)', smallest: 'min(qty)', first_day: 'min(on)', last_day: 'max(on)' },
    });
    expect(types).toEqual(['customer:Utf8', 'orders:Int64', 'priced:Int64', 'revenue:Float64', 'mean:Float64', 'smallest:Int32', 'first_day:Date32<DAY>', 'last_day:Date32<DAY>']);
    expect(rows).toEqual([
      { customer: 'ann', orders: 3n, priced: 2n, revenue: 40, mean: 20, smallest: 1, first_day: day(1).getTime(), last_day: day(9).getTime() },
      { customer: 'bob', orders: 1n, priced: 1n, revenue: 5, mean: 5, smallest: 2, first_day: day(2).getTime(), last_day: day(2).getTime() },
      { customer: null, orders: 1n, priced: 1n, revenue: 7, mean: 7, smallest: 5, first_day: day(3).getTime(), last_day: day(3).getTime() },
    ]);
    expect(ctx.globals.get('group_count')).toBe(3);
  });

  it('gives one row without group_by, even for an empty input', async () => {
    expect((await aggregate({ aggregates: { n: 'count(*)', total: 'sum(qty)' } })).rows).toEqual([{ n: 5n, total: 15n }]);
    expect((await aggregate({ aggregates: { n: 'count(*)', total: 'sum(qty)', top: 'max(customer)' } }, new Table(orders.schema))).rows).toEqual([{ n: 0n, total: null, top: null }]);
    expect((await aggregate({ group_by: ['customer'], aggregates: { n: 'count(*)' } }, new Table(orders.schema))).table.numRows).toBe(0);
  });

  it('reports every malformed aggregate at once, naming the module and key and listing the allowed forms', async () => {
    const error = await aggregate({ aggregates: { a: 'medain(amount)', b: 'sum(*)', c: 'sum(customer)', d: 'quantile_cont(amount, 2)', ok: 'median(amount)' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    const { message, hint } = error as ModuleError;
    expect(message).toBe([
      `aggregate_mod (totals): aggregates.a: "medain(amount)": unknown function medain (did you mean median?); allowed: ${aggregateSignatures()}`,
      'aggregates.b: "sum(*)": sum(*) is not defined; only count(*) takes *; write sum(col) or sum(distinct col)',
      'aggregates.c: sum(customer) needs a numeric column, but "customer" is Utf8',
      'aggregates.d: "quantile_cont(amount, 2)": p must be a number from 0 to 1, not 2; write quantile_cont(col, p) or quantile_cont(distinct col, p)',
    ].join('; '));
    expect(message).toContain('allowed: count(*), count([distinct] col), count_if(condition), sum([distinct] col), avg([distinct] col), min([distinct] col)');
    expect(hint).toContain('cast it to a number with select_mod first');
  });

  it('takes each group\'s first and last row in input order, keeping the column type', async () => {
    const { rows, types } = await aggregate({ group_by: ['customer'], aggregates: { first_amount: 'first(amount)', last_qty: 'last(qty)', last_day: 'last(on)' } });
    expect(types).toEqual(['customer:Utf8', 'first_amount:Float64', 'last_qty:Int32', 'last_day:Date32<DAY>']);
    expect(rows).toEqual([
      { customer: 'ann', first_amount: 10, last_qty: 4, last_day: day(1).getTime() },
      { customer: 'bob', first_amount: 5, last_qty: 2, last_day: day(2).getTime() },
      { customer: null, first_amount: 7, last_qty: 5, last_day: day(3).getTime() },
    ]);
  });

  it('refuses sums of text and unknown columns', async () => {
    await expect(aggregate({ aggregates: { s: 'sum(customer)' } })).rejects.toThrow('aggregates.s: sum(customer) needs a numeric column, but "customer" is Utf8');
    await expect(aggregate({ aggregates: { s: 'sum(amout)' } })).rejects.toThrow('aggregates.s: sum() names column "amout", which the input does not have (did you mean "amount"?)');
    await expect(aggregate({ group_by: ['cust'], aggregates: { n: 'count(*)' } })).rejects.toThrow('group_by.0: group_by names column "cust", which the input does not have');
  });

  it('computes DISTINCT, statistics, quantiles, mode, lists, strings, booleans and count_if per group', async () => {
    const { rows, types } = await aggregate({
      group_by: ['customer'],
      aggregates: {
        sd: 'stddev(amount)', vp: 'var_pop(qty)', med: 'median(qty)', q: 'quantile_disc(qty, 0.5)', qc: 'quantile_cont(qty, 0.75)',
        top: 'mode(qty)', amounts: 'list(amount)', big: 'count_if(qty >= 3)', any_big: 'bool_or(flag)', all_big: 'bool_and(flag)', names: "string_agg(name, ' | ')",
      },
    }, withFlags);
    expect(types).toEqual(['customer:Utf8', 'sd:Float64', 'vp:Float64', 'med:Float64', 'q:Int32', 'qc:Float64', 'top:Int32', 'amounts:List<Float64>', 'big:Int64', 'any_big:Bool', 'all_big:Bool', 'names:Utf8']);
    expect(rows.map((r) => ({ ...r, amounts: [...(r.amounts as Iterable<number | null>)] }))).toEqual([
      { customer: 'ann', sd: Math.sqrt(200), vp: 14 / 9, med: 3, q: 3, qc: 3.5, top: 1, amounts: [10, null, 30], big: 2n, any_big: true, all_big: false, names: 'x | z' },
      { customer: 'bob', sd: null, vp: 0, med: 2, q: 2, qc: 2, top: 2, amounts: [5], big: 0n, any_big: false, all_big: false, names: 'y' },
      { customer: null, sd: null, vp: 0, med: 5, q: 5, qc: 5, top: 5, amounts: [7], big: 1n, any_big: null, all_big: null, names: null },
    ]);
  });

  it('sees each distinct value once with DISTINCT', async () => {
    const { rows } = await aggregate({ aggregates: { c: 'count(distinct customer)', s: 'sum(distinct n)', a: 'avg(distinct n)', l: 'list(distinct n)' } }, new Table({ n: vectorFromArray([2, 2, null, 4, 2, null], new Int32()), customer: vectorFromArray(['a', 'a', null, 'b', 'é', 'b'], new Utf8()) }));
    expect(rows.map((r) => ({ ...r, l: [...(r.l as Iterable<number | null>)] }))).toEqual([{ c: 3n, s: 6n, a: 3, l: [2, null, 4] }]);
  });

  it('keeps the groups HAVING selects, reading the output columns', async () => {
    const { rows } = await aggregate({ group_by: ['customer'], aggregates: { orders: 'count(*)', revenue: 'sum(amount)' }, having: 'orders > 1 or revenue < 6' });
    expect(rows).toEqual([{ customer: 'ann', orders: 3n, revenue: 40 }, { customer: 'bob', orders: 1n, revenue: 5 }]);
    await expect(aggregate({ group_by: ['customer'], aggregates: { orders: 'count(*)' }, having: 'amount > 1' })).rejects.toThrow(/aggregate_mod \(totals\): having: .*amount/);
  });

  it('sums integers exactly in Int64 and reports an overflow; decimals keep their scale', async () => {
    const big = new Table({ n: vectorFromArray([2n ** 62n, 2n ** 62n - 1n, 1n], new Int64()) });
    expect((await aggregate({ aggregates: { s: 'sum(n)' } }, new Table({ n: vectorFromArray([2n ** 62n, 2n ** 62n - 1n], new Int64()) }))).rows).toEqual([{ s: 2n ** 63n - 1n }]);
    await expect(aggregate({ aggregates: { s: 'sum(n)' } }, big)).rejects.toThrow('aggregates.s: sum(n) overflows Int64 in group 1 (DuckDB would widen to HUGEINT)');
    const decimal = makeData({ type: new Decimal(4, 18, 128), length: 2, nullCount: 0, data: Uint32Array.of(15000, 0, 0, 0, 22500, 0, 0, 0) });
    const { table, types } = await aggregate({ aggregates: { s: 'sum(d)', a: 'avg(d)', m: 'max(d)' } }, new Table({ d: makeVector(decimal) }));
    expect(types).toEqual(['s:Decimal[38e+4]', 'a:Float64', 'm:Decimal[18e+4]']);
    expect([...(table.getChild('s')!.data[0].values as Uint32Array)].slice(0, 4)).toEqual([37500, 0, 0, 0]);
    expect(table.getChild('a')!.get(0)).toBe(1.875);
  });
});
