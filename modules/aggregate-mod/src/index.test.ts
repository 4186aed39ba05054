import { fileURLToPath } from 'node:url';
import { DateDay, Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
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
const orders = new Table([part(['ann', 'bob', 'ann'], [10, 5, null], [1, 2, 3], [5, 2, 9]), part(['ann', null], [30, 7], [4, 5], [1, 3])]);

async function aggregate(config: Config, data = orders) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'totals' });
  const table = ((await aggregateMod.run({ input: new MemoryArtifact(data) }, ctx)) as ModuleOutputs).output as Table;
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
    expect((await aggregate({ aggregates: { n: 'count(*)', total: 'sum(qty)' } })).rows).toEqual([{ n: 5n, total: 15 }]);
    expect((await aggregate({ aggregates: { n: 'count(*)', total: 'sum(qty)', top: 'max(customer)' } }, new Table(orders.schema))).rows).toEqual([{ n: 0n, total: null, top: null }]);
    expect((await aggregate({ group_by: ['customer'], aggregates: { n: 'count(*)' } }, new Table(orders.schema))).table.numRows).toBe(0);
  });

  it('reports every malformed aggregate at once, listing the functions', async () => {
    const error = await aggregate({ aggregates: { a: 'median(amount)', b: 'sum(*)' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe('aggregate_mod: a: "median(amount)": no aggregate function "median"; the functions: count(*), count(col), sum(col), avg(col), min(col), max(col), first(col), last(col); b: "sum(*)": sum(*) is not defined; only count(*) takes *');
    expect((error as ModuleError).hint).toMatch(/^write aggregates as \{ output_name: "fn\(column\)" \}/);
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
    await expect(aggregate({ aggregates: { s: 'sum(customer)' } })).rejects.toThrow('s: sum(customer) needs a numeric column, but "customer" is Utf8');
    await expect(aggregate({ aggregates: { s: 'sum(amout)' } })).rejects.toThrow('column "amout" does not exist; the columns are: customer, amount, qty, on');
    await expect(aggregate({ group_by: ['cust'], aggregates: { n: 'count(*)' } })).rejects.toThrow('group by column "cust" does not exist');
  });
});
