import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Float64, Int32, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, type ModuleOutputs } from '@pypeline/sdk';
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
  customer: vectorFromArray([10n, 12n], new Int64()),
  name: vectorFromArray(['ann', 'cyd'], new Utf8()),
  credit: vectorFromArray([1.5, 2], new Float64()),
});

async function join(config: Config, right: Table = customers) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'j' });
  const table = ((await joinMod.run({ left: new MemoryArtifact(orders), right: new MemoryArtifact(right) }, ctx)) as ModuleOutputs).output as Table;
  return { table, ctx, rows: table.toArray().map((r) => r.toJSON()) };
}

describe('join_mod', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.how.default).toBe(DEFAULTS.how);
    expect(manifest.config_schema.optional.suffix.default).toBe(DEFAULTS.suffix);
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

  it('joins keys of different names with right_on, keeping both columns', async () => {
    const right = new Table({ cid: vectorFromArray([11], new Int32()), tier: vectorFromArray(['gold'], new Utf8()) });
    const { rows } = await join({ on: ['customer'], right_on: ['cid'] }, right);
    expect(rows).toEqual([{ id: 2, customer: 11, name: 'o2', cid: 11, tier: 'gold' }]);
  });

  it('reports every key problem at once', async () => {
    const right = new Table({ customer: vectorFromArray(['10'], new Utf8()) });
    const error = await join({ on: ['customer', 'nope'], right_on: ['customer'] }, right).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe(
      'join_mod cannot join: "on" has 2 key column(s) but "right_on" has 1; left key "customer" is number but right key "customer" is text, so they never match; left input has no column "nope" (its columns: id, customer, name)',
    );
  });

  it('joins with an empty right side', async () => {
    const { rows } = await join({ on: ['customer'], how: 'left' }, new Table(customers.schema));
    expect(rows.map((r) => [r.id, r.credit])).toEqual([[1, null], [2, null], [3, null], [4, null]]);
  });
});
