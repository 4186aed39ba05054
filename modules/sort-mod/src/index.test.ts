import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Float64, Table, Utf8, vectorFromArray, type RecordBatch, type Schema } from 'apache-arrow';
import { MemoryArtifact, ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import sortMod from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const part = (country: (string | null)[], amount: (number | null)[]) =>
  new Table({ country: vectorFromArray(country, new Utf8()), amount: vectorFromArray(amount, new Float64()) }).batches[0];
const input = new Table([part(['NL', 'BE', null], [5, 10, 1]), part(['NL', 'BE'], [20, null])]);

async function sort(config: Config, data = input, memoryBudget?: number) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'sort', memoryBudget });
  // The output is a stream of sorted batches (with its schema), read here as a table.
  const output = ((await sortMod.run({ input: new MemoryArtifact(data) }, ctx)) as ModuleOutputs).output as AsyncIterable<RecordBatch> & { schema: Schema };
  const batches: RecordBatch[] = [];
  for await (const batch of output) batches.push(batch);
  const table = new Table(output.schema, batches);
  return { table, ctx, rows: table.toArray().map((r) => [r.country, r.amount]) };
}

describe('sort_mod', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.nulls.default).toBe(DEFAULTS.nulls);
  });

  it('sorts across batches by several keys, asc and desc, nulls last', async () => {
    const { rows, ctx, table } = await sort({ by: ['country', 'amount desc'] });
    expect(rows).toEqual([['BE', 10], ['BE', null], ['NL', 20], ['NL', 5], [null, 1]]);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Float64']);
    expect(ctx.globals.get('row_count')).toBe(5);
  });

  it('puts nulls first when asked', async () => {
    expect((await sort({ by: ['amount DESC'], nulls: 'first' })).rows.map((r) => r[1])).toEqual([null, 20, 10, 5, 1]);
  });

  it('takes nulls first or last per key, the nulls setting for the others', async () => {
    expect((await sort({ by: ['country nulls first', 'amount desc nulls last'] })).rows).toEqual([[null, 1], ['BE', 10], ['BE', null], ['NL', 20], ['NL', 5]]);
    expect((await sort({ by: ['country desc', 'amount NULLS LAST'], nulls: 'first' })).rows).toEqual([[null, 1], ['NL', 5], ['NL', 20], ['BE', 10], ['BE', null]]);
  });

  it('sorts out of core beyond ctx.memoryBudget, with the same result, and says so', async () => {
    const { rows, ctx } = await sort({ by: ['country', 'amount desc'] }, input, 1);
    expect(rows).toEqual([['BE', 10], ['BE', null], ['NL', 20], ['NL', 5], [null, 1]]);
    expect(ctx.logs.some((l) => l.msg === 'sort spilled to disk')).toBe(true);
    expect(ctx.globals.get('row_count')).toBe(5);
  });

  it('passes an empty input through', async () => {
    expect((await sort({ by: ['amount'] }, input.slice(0, 0))).table.numRows).toBe(0);
  });

  it('names an unknown column and lists the others', async () => {
    const error = await sort({ by: ['amout'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe('sort column "amout" does not exist; the columns are: country, amount');
  });
});
