import { fileURLToPath } from 'node:url';
import { Int32, RecordBatch, Table, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import limitMod from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
/** 10 batches of 1000 rows: n = 0..9999. */
const data = () => new Table(Array.from({ length: 10 }, (_, b) => new Table({ n: vectorFromArray(Array.from({ length: 1000 }, (_, i) => b * 1000 + i), new Int32()) }).batches[0]));

async function run(config: Config, input = new MemoryArtifact(data())) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'l' });
  const table = await toTable(((await limitMod.run({ input }, ctx)) as ModuleOutputs).output as ModuleOutput);
  return { values: table.toArray().map((r) => r.n as number), table, ctx };
}

describe('limit_mod', () => {
  it('keeps rows offset..offset+limit across batches', async () => {
    const { values, ctx } = await run({ limit: 5, offset: 998 });
    expect(values).toEqual([998, 999, 1000, 1001, 1002]);
    expect(ctx.globals.get('row_count')).toBe(5);
    expect((await run({ offset: 9997 })).values).toEqual([9997, 9998, 9999]);
    expect((await run({ limit: 0 })).table.schema.names).toEqual(['n']);
  });

  it('stops reading the input once the limit is out', async () => {
    const input = new MemoryArtifact(data());
    let read = 0;
    input.batches = async function* () {
      for (const batch of data().batches) {
        read++;
        yield batch as RecordBatch;
      }
    };
    expect((await run({ limit: 1500 }, input)).values).toHaveLength(1500);
    expect(read).toBe(2);
  });

  it('samples exactly n rows, in input order, the same for the same seed', async () => {
    const a = (await run({ sample_rows: 100, seed: 7 })).values;
    expect(a).toHaveLength(100);
    expect(new Set(a).size).toBe(100);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect((await run({ sample_rows: 100, seed: 7 })).values).toEqual(a);
    expect((await run({ sample_rows: 100, seed: 8 })).values).not.toEqual(a);
    expect((await run({ sample_rows: 20_000 })).values).toHaveLength(10_000);
  });

  it('samples rows uniformly: each tenth of the input gets about a tenth of the sample', async () => {
    const values = (await run({ sample_rows: 2000, seed: 1 })).values;
    const tenths = Array.from({ length: 10 }, (_, t) => values.filter((v) => Math.floor(v / 1000) === t).length);
    // Expected 200 each; a binomial deviation beyond ±60 has probability < 1e-5 per tenth.
    for (const count of tenths) expect(Math.abs(count - 200)).toBeLessThan(60);
  });

  it('keeps a fraction of rows, reproducibly', async () => {
    const a = (await run({ sample_fraction: 0.1, seed: 3 })).values;
    expect(Math.abs(a.length - 1000)).toBeLessThan(150);
    expect((await run({ sample_fraction: 0.1, seed: 3 })).values).toEqual(a);
    expect((await run({ sample_fraction: 0 })).values).toEqual([]);
    expect((await run({ sample_fraction: 1 })).values).toHaveLength(10_000);
  });

  it('reports every config problem at once', async () => {
    const error = await run({ limit: -1, sample_rows: 1.5, sample_fraction: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe(
      'limit_mod: "limit" must be a whole number ≥ 0, not -1; "sample_rows" must be a whole number ≥ 0, not 1.5; "sample_fraction" must be between 0 and 1, not 2; set one of "sample_rows" and "sample_fraction", not both; sampling ("sample_rows" / "sample_fraction") does not combine with "limit" / "offset"; chain two limit_mod modules',
    );
    expect(((await run({}).catch((e: unknown) => e)) as ModuleError).message).toContain('set "limit" and/or "offset", or "sample_rows", or "sample_fraction"');
  });
});
