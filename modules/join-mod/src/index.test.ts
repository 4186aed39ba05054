import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DateDay, Float64, Int32, Int64, RecordBatch, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import joinMod from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const orders = new Table([
  new Table({ id: vectorFromArray([1, 2], new Int32()), customer: vectorFromArray([10, 11], new Int32()), name: vectorFromArray(['o1', 'o2'], new Utf8()) }).batches[0],
  new Table({ id: vectorFromArray([3, 4], new Int32()), customer: vectorFromArray([10, null], new Int32()), name: vectorFromArray(['o3', 'o4'], new Utf8()) }).batches[0],
]);
const customers = new Table({
  customer: vectorFromArray([10n, 12n, null], new Int64()),
  name: vectorFromArray(['ann', 'cyd', 'nul'], new Utf8()),
  credit: vectorFromArray([1.5, 2, 3], new Float64()),
});

async function join(config: Config, right: Table = customers, left: Table = orders) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'j' });
  const output = ((await joinMod.run({ left: new MemoryArtifact(left), right: new MemoryArtifact(right) }, ctx)) as ModuleOutputs).output as ModuleOutput;
  const table = await toTable(output);
  return { table, ctx, output, rows: table.toArray().map((r) => r.toJSON()) };
}

async function failure(config: Config, right: Table = customers): Promise<string> {
  const error = await join(config, right).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleError);
  return (error as ModuleError).message;
}

describe('join_mod', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    for (const [key, value] of Object.entries(DEFAULTS)) expect(manifest.config_schema.optional[key].default, key).toBe(value);
  });

  it('inner join: matching rows only, right key folded into the left one, clashing names suffixed', async () => {
    const { rows, table, ctx } = await join({ on: ['customer'] });
    expect(table.schema.names).toEqual(['id', 'customer', 'name', 'name_right', 'credit']);
    expect(rows).toEqual([
      { id: 1, customer: 10, name: 'o1', name_right: 'ann', credit: 1.5 },
      { id: 3, customer: 10, name: 'o3', name_right: 'ann', credit: 1.5 },
    ]);
    expect(ctx.globals.get('row_count')).toBe(2);
  });

  it('left join: every left row, nulls where nothing matches (null keys never match)', async () => {
    const { rows, ctx } = await join({ on: ['customer'], how: 'left', suffix: '_c' });
    expect(rows.map((r) => [r.id, r.name_c, r.credit])).toEqual([[1, 'ann', 1.5], [2, null, null], [3, 'ann', 1.5], [4, null, null]]);
    expect(ctx.globals.get('unmatched_left')).toBe(2);
  });

  it('right join: matches in left order, then the unmatched right rows with the key from the right (int32 and int64 keys widen to int64)', async () => {
    const { rows, table, ctx } = await join({ on: ['customer'], how: 'right' });
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)).toEqual(['id:Int32:true', 'customer:Int64:true', 'name:Utf8:true', 'name_right:Utf8:true', 'credit:Float64:true']);
    expect(rows.map((r) => [r.id, r.customer, r.name_right])).toEqual([[1, 10n, 'ann'], [3, 10n, 'ann'], [null, 12n, 'cyd'], [null, null, 'nul']]);
    expect(ctx.globals.get('unmatched_right')).toBe(2);
  });

  it('full join: every row of both sides once', async () => {
    const { rows } = await join({ on: ['customer'], how: 'full' });
    expect(rows.map((r) => [r.id, r.customer, r.name_right])).toEqual([[1, 10n, 'ann'], [2, 11n, null], [3, 10n, 'ann'], [4, null, null], [null, 12n, 'cyd'], [null, null, 'nul']]);
  });

  it('semi and anti joins give left columns only, each left row once', async () => {
    const twice = new Table({ customer: vectorFromArray([10, 10], new Int32()) });
    const semi = await join({ on: ['customer'], how: 'semi' }, twice);
    expect(semi.table.schema.names).toEqual(['id', 'customer', 'name']);
    expect(semi.rows.map((r) => r.id)).toEqual([1, 3]);
    const anti = await join({ on: ['customer'], how: 'anti' }, twice);
    expect(anti.rows.map((r) => r.id)).toEqual([2, 4]);
    expect(anti.ctx.globals.get('unmatched_left')).toBe(2);
  });

  it('null-safe keys match null with null', async () => {
    const { rows } = await join({ on: ['customer'], null_safe: true });
    expect(rows.map((r) => [r.id, r.name_right])).toEqual([[1, 'ann'], [3, 'ann'], [4, 'nul']]);
  });

  it('cross join pairs every row with every row, and takes no keys', async () => {
    const { rows } = await join({ on: [], how: 'cross' });
    expect(rows).toHaveLength(12);
    expect(rows.slice(0, 3).map((r) => [r.id, r.customer_right])).toEqual([[1, 10n], [1, 12n], [1, null]]);
    expect(await failure({ how: 'cross', on: ['customer'] })).toContain('"how: cross" pairs every left row with every right row, so it takes no keys: set "on: []"');
  });

  it('a residual condition over both sides (output names) decides which pairs match', async () => {
    const inner = await join({ on: ['customer'], condition: "name_right == 'ann' and id > 1" });
    expect(inner.rows.map((r) => r.id)).toEqual([3]);
    const left = await join({ on: ['customer'], how: 'left', condition: 'id > 1' });
    expect(left.rows.map((r) => [r.id, r.name_right])).toEqual([[1, null], [2, null], [3, 'ann'], [4, null]]);
    const full = await join({ on: ['customer'], how: 'full', condition: 'id > 1' });
    expect(full.rows.map((r) => [r.id, r.customer, r.name_right])).toEqual([[1, 10n, null], [2, 11n, null], [3, 10n, 'ann'], [4, null, null], [null, 12n, 'cyd'], [null, null, 'nul']]);
    const anti = await join({ on: ['customer'], how: 'anti', condition: 'credit > 2' });
    expect(anti.rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('joins on a condition alone (a non-equi join)', async () => {
    const { rows } = await join({ on: [], condition: 'credit > id' });
    expect(rows.map((r) => [r.id, r.credit])).toEqual([[1, 1.5], [1, 2], [1, 3], [2, 3]]);
  });

  it('joins keys of different names with right_on, keeping both columns', async () => {
    const right = new Table({ cid: vectorFromArray([11], new Int32()), tier: vectorFromArray(['gold'], new Utf8()) });
    const { rows } = await join({ on: ['customer'], right_on: ['cid'] }, right);
    expect(rows).toEqual([{ id: 2, customer: 11, name: 'o2', cid: 11, tier: 'gold' }]);
  });

  it('joins date keys with timestamp keys at the same instant', async () => {
    const day = 86_400_000;
    const l = new Table({ d: vectorFromArray([new Date(day), new Date(2 * day)], new DateDay()), a: vectorFromArray([1, 2], new Int32()) });
    const r = new Table({ t: vectorFromArray([2 * day, 2 * day + 1], new TimestampMillisecond()), b: vectorFromArray([20, 21], new Int32()) });
    const { rows } = await join({ on: ['d'], right_on: ['t'] }, r, l);
    expect(rows.map((x) => [x.a, x.b])).toEqual([[2, 20]]);
  });

  it('reports every problem at once', async () => {
    const right = new Table({ customer: vectorFromArray(['10'], new Utf8()) });
    expect(await failure({ on: ['customer', 'nope'], right_on: ['customer'], condition: 'idd > 1' }, right)).toBe(
      'join_mod cannot join: "on" has 2 key column(s) but "right_on" has 1; left key "customer" is number but right key "customer" is text, so they never match; left input has no column "nope" (its columns: id, customer, name); ' +
        'condition "idd > 1" is invalid (it sees the columns id, customer, name):\nunknown column `idd` (did you mean `id`? columns: id, customer, name)\n  idd > 1\n  ^^^',
    );
    expect(await failure({ on: [] })).toContain('"on" names no key column; name the key columns, give a "condition", or use "how: cross"');
  });

  it('refuses a full join whose folded key types have no common type', async () => {
    const l = new Table({ k: vectorFromArray([new Date(0)], new DateDay()) });
    const r = new Table({ k: vectorFromArray([0], new TimestampMillisecond()) });
    const error = await join({ on: ['k'], how: 'full' }, r, l).catch((e: unknown) => e);
    expect((error as ModuleError).message).toContain('key "k" is Date32<DAY> on the left and Timestamp<MILLISECOND> on the right, which have no common type');
  });

  it('joins with an empty right side, and with an empty left side keeps the schema', async () => {
    const { rows } = await join({ on: ['customer'], how: 'left' }, new Table(customers.schema));
    expect(rows.map((r) => [r.id, r.credit])).toEqual([[1, null], [2, null], [3, null], [4, null]]);
    const empty = await join({ on: ['customer'], how: 'full' }, customers, new Table(orders.schema));
    expect(empty.table.schema.names).toEqual(['id', 'customer', 'name', 'name_right', 'credit']);
    expect(empty.rows.map((r) => r.customer)).toEqual([10n, 12n, null]);
  });

  it('streams the left side batch by batch without reading it whole', async () => {
    const left = new MemoryArtifact(orders);
    left.table = () => Promise.reject(new Error('the left side was materialised'));
    const ctx = createTestContext<Config>({ config: { on: ['customer'], how: 'left', lookup: true }, manifest: MANIFEST });
    const output = ((await joinMod.run({ left, right: new MemoryArtifact(customers) }, ctx)) as ModuleOutputs).output as AsyncIterable<RecordBatch>;
    const sizes: number[] = [];
    for await (const batch of output) sizes.push(batch.numRows);
    expect(sizes).toEqual([2, 2]);
  });

  it('lookup mode fails before reading the left side when the right side is over its budget', async () => {
    const big = new Table({ customer: vectorFromArray(Array.from({ length: 20_000 }, (_, i) => i), new Int32()) });
    const left = new MemoryArtifact(orders);
    let read = false;
    left.batches = async function* () {
      read = true;
      yield* orders.batches;
    };
    const ctx = createTestContext<Config>({ config: { on: ['customer'], lookup: true, lookup_max_mb: 1 }, manifest: MANIFEST });
    const error = await joinMod.run({ left, right: new MemoryArtifact(big) }, ctx).catch((e: unknown) => e);
    expect((error as ModuleError).message).toMatch(/^join_mod lookup: the right input is over its memory budget of 1\.0 MB \(1\.3 MB after 20000 rows, and still loading\)$/);
    expect((error as ModuleError).hint).toContain('raise lookup_max_mb');
    expect(read).toBe(false);
    const ok = await join({ on: ['customer'], lookup: true, lookup_max_mb: 2 }, big);
    expect(ok.rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
