import { fileURLToPath } from 'node:url';
import { Float64, Int32, Int64, Table, Utf8, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { MemoryArtifact, ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import windowMod from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const part = (shop: (string | null)[], day: (number | null)[], amount: (number | null)[]) =>
  new Table({ shop: vectorFromArray(shop, new Utf8()), day: vectorFromArray(day, new Int32()), amount: vectorFromArray(amount, new Int32()) }).batches[0];
// Two batches; shop "b" has a tie on day 2 and a null amount.
const input: Table = new Table([part(['a', 'b', 'a'], [1, 2, 2], [10, 5, 20]), part(['b', 'b', 'a'], [2, 1, 3], [null, 7, 30])]);

async function windowed(config: Config, data = input, memoryBudget?: number) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'win', memoryBudget });
  const output = ((await windowMod.run({ input: new MemoryArtifact(data) }, ctx)) as ModuleOutputs).output as AsyncIterable<RecordBatch> & { schema: Table['schema'] };
  const batches: RecordBatch[] = [];
  for await (const batch of output) batches.push(batch);
  const table = new Table(output.schema, batches);
  return { table, ctx, rows: table.toArray().map((r) => Object.values(r.toJSON()) as unknown[]) };
}

const failure = (config: Config) => windowed(config).then(() => undefined, (e: unknown) => e as ModuleError);

describe('window_mod', () => {
  it('adds the window columns after the input columns, rows in input order', async () => {
    const { rows, table, ctx } = await windowed({
      partition_by: ['shop'],
      order_by: ['day'],
      columns: { rn: 'row_number()', rnk: 'rank()', prev: 'lag(amount, 1, 0)', running: 'sum(amount)' },
    });
    expect(table.schema.names).toEqual(['shop', 'day', 'amount', 'rn', 'rnk', 'prev', 'running']);
    expect(table.schema.fields.slice(3).map((f) => String(f.type))).toEqual(['Int64', 'Int64', 'Int32', 'Int64']);
    // Ties (shop b, day 2) are numbered in input order; the default frame takes both peers.
    expect(rows).toEqual([
      ['a', 1, 10, 1n, 1n, 0, 10n],
      ['b', 2, 5, 2n, 2n, 7, 12n],
      ['a', 2, 20, 2n, 2n, 10, 30n],
      ['b', 2, null, 3n, 2n, 5, 12n],
      ['b', 1, 7, 1n, 1n, 0, 7n],
      ['a', 3, 30, 3n, 3n, 20, 60n],
    ]);
    expect(ctx.globals.get('row_count')).toBe(6);
  });

  it('computes the same out of core, spilling the partitions and putting the rows back in input order', async () => {
    const config: Config = { partition_by: ['shop'], order_by: ['day desc', 'amount'], columns: { rn: 'row_number()', last2: 'sum(amount) rows 1 preceding' } };
    const { rows, ctx } = await windowed(config, input, 1);
    expect(ctx.logs.some((l) => l.msg === 'spilled to disk in partitions')).toBe(true);
    expect(rows).toEqual((await windowed(config)).rows);
  });

  it('computes one partition in memory without partition_by, and says so when it passes the budget', async () => {
    const { rows, ctx } = await windowed({ order_by: ['amount desc nulls first'], columns: { pos: 'row_number()', top: 'first_value(shop)' } }, input, 1);
    // By amount desc, nulls first: rows 3 (null), 5, 2, 0, 4, 1.
    expect(rows.map((r) => [r[3], r[4]])).toEqual([[4n, 'b'], [6n, 'b'], [3n, 'b'], [1n, 'b'], [5n, 'b'], [2n, 'b']]);
    expect(ctx.logs.some((l) => /no partition_by/.test(l.msg))).toBe(true);
  });

  it('keeps integer sums exact in Int64 beyond 2^53', async () => {
    const big = new Table({ v: vectorFromArray([2n ** 60n, 2n ** 60n, 1n, -(2n ** 61n)], new Int64()) });
    const { rows } = await windowed({ columns: { s: 'sum(v) rows unbounded preceding', total: 'sum(v)' } }, big);
    expect(rows.map((r) => r[1])).toEqual([2n ** 60n, 2n ** 61n, 2n ** 61n + 1n, 1n]);
    expect(rows.map((r) => r[2])).toEqual([1n, 1n, 1n, 1n]);
  });

  it('says when an integer sum overflows Int64', async () => {
    const big = new Table({ v: vectorFromArray([2n ** 62n, 2n ** 62n], new Int64()) });
    const error = await windowed({ columns: { s: 'sum(v)' } }, big).then(() => undefined, (e: unknown) => e as ModuleError);
    expect(error?.message).toBe('window_mod (win): sum(v) overflows Int64 (DuckDB would widen to HUGEINT)');
    expect(error?.hint).toMatch(/cast the column to float64/);
  });

  it('casts a lag default to the type of its expression, and takes defaults computed from the row', async () => {
    const { rows, table } = await windowed({ order_by: ['day', 'shop'], columns: { prev: 'lag(amount, 1, 2.6)', next: 'lead(shop, 2, shop || \'?\')', ahead: 'lead(amount * 1.5, 1)' } });
    expect(table.schema.fields.slice(3).map((f) => String(f.type))).toEqual(['Int32', 'Utf8', 'Float64']);
    // Order: (1,a) (1,b) (2,a) (2,b) (2,b) (3,a): rows 0, 4, 2, 1, 3, 5.
    expect(rows.map((r) => r.slice(3))).toEqual([
      [3, 'a', 10.5],
      [20, 'a', null],
      [7, 'b', 7.5],
      [5, 'b?', 45],
      [10, 'b', 30],
      [null, 'a?', null],
    ]);
  });

  it('reports every bad column at once, with the functions there are', async () => {
    const error = await failure({
      partition_by: ['shp'],
      order_by: ['day descending'],
      columns: { h: 'rank() rows unbounded preceding', a: 'median(amount)', b: 'row_number', c: 'lag(amount, -1)', d: 'rank() rows between current row and 1 preceding', e: 'sum(shop)', f: 'sum(amont)', day: 'ntile(0)', g: 'sum(amount) range between 2 preceding and current row' },
    });
    expect(error).toBeInstanceOf(ModuleError);
    const said = [
      'partition_by.0: partition_by names column "shp", which the input does not have (did you mean "shop"?)',
      'order_by.0: sort key "day descending": "descending" is not a direction',
      'columns.a: "median(amount)": unknown window function median; allowed: row_number(), rank(), dense_rank(), percent_rank(), cume_dist(), ntile(n), lag(expr[, offset[, default]])',
      'columns.b: "row_number" needs its parentheses: write row_number()',
      'columns.c: "lag(amount, -1)": the offset of lag must be a whole number from 0, not -1',
      'columns.d: "rank() rows between current row and 1 preceding": a frame starting at the current row cannot end before it',
      'columns.e: sum(shop): sum(shop) needs a numeric column, but "shop" is Utf8',
      'columns.f: sum(amont) names column "amont", which the input does not have (did you mean "amount"?)',
      'columns.day: output column "day" is already a column of the input',
      'columns.day: "ntile(0)": the bucket count n of ntile must be a whole number from 1, not 0',
      'columns.g: "sum(amount) range between 2 preceding and current row": range frames take no offset',
    ];
    said.push('columns.h: "rank() rows unbounded preceding": rank() takes no frame');
    for (const problem of said) expect(error!.message).toContain(problem);
    expect(error!.message.startsWith('window_mod (win): partition_by.0: ')).toBe(true);
    expect(error!.hint).toMatch(/functions: row_number\(\), rank\(\).*frames/);
  });

  it('gives nulls for empty frames and frames without values, and 0 for their counts', async () => {
    const data = new Table({ x: vectorFromArray([1.5, null, null, 4], new Float64()) });
    const { rows } = await windowed({ columns: { s: 'sum(x) rows between 1 preceding and current row', n: 'count(x) rows between 1 following and 1 following', m: 'max(x) rows between 3 preceding and 2 preceding', v: 'nth_value(x, 4) rows between unbounded preceding and unbounded following' } }, data);
    expect(rows.map((r) => r.slice(1))).toEqual([[1.5, 0n, null, 4], [1.5, 0n, null, 4], [null, 1n, 1.5, 4], [4, 0n, 1.5, 4]]);
  });
});
