import { Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, toTable, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import deriveMod from './index.js';
import type { Config } from './config.js';

const part = (qty: (number | null)[], price: number[], name: string[]) => new Table({
  qty: vectorFromArray(qty, new Int32()),
  price: vectorFromArray(price, new Float64()),
  name: vectorFromArray(name, new Utf8()),
}).batches[0];
const input = new Table([part([2, null], [1.5, 3], ['ann', 'bob']), part([4], [0.25], ['cyd'])]);

async function derive(columns: Record<string, string>, upstreamGlobals?: Record<string, Record<string, unknown>>) {
  const ctx = createTestContext<Config>({ config: { columns }, moduleId: 'd', upstreamGlobals });
  const table = await toTable(((await deriveMod.run({ input: new MemoryArtifact(input) }, ctx)) as ModuleOutputs).output);
  return { table, rows: table.toArray().map((r) => r.toJSON()), types: table.schema.fields.map((f) => `${f.name}:${f.type}`) };
}

describe('derive_mod', () => {
  it('adds columns batch by batch; later expressions use earlier ones; SQL nulls', async () => {
    const { rows, types, table } = await derive({ total: 'qty * price', big: 'total >= 3', label: 'upper(name)', copy: 'qty' });
    expect(types).toEqual(['qty:Int32', 'price:Float64', 'name:Utf8', 'total:Float64', 'big:Bool', 'label:Utf8', 'copy:Int32']);
    expect(rows).toEqual([
      { qty: 2, price: 1.5, name: 'ann', total: 3, big: true, label: 'ANN', copy: 2 },
      { qty: null, price: 3, name: 'bob', total: null, big: null, label: 'BOB', copy: null },
      { qty: 4, price: 0.25, name: 'cyd', total: 1, big: false, label: 'CYD', copy: 4 },
    ]);
    expect(table.batches.map((b) => b.numRows)).toEqual([2, 1]);
  });

  it('replaces a column in place and reads globals of earlier modules', async () => {
    const { rows, types } = await derive({ price: 'price * {{fx__rate}}' }, { fx: { rate: 2 } });
    expect(types).toEqual(['qty:Int32', 'price:Float64', 'name:Utf8']);
    expect(rows.map((r) => r.price)).toEqual([3, 6, 0.5]);
  });

  it('reports every invalid expression at once, with carets', async () => {
    const error = await derive({ a: 'qty +', b: 'nme', c: 'a * 2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    const message = (error as ModuleError).message;
    expect(message).toMatch(/^derive_mod: column "a" = "qty \+" is invalid:/);
    expect(message).toContain('column "b" = "nme" is invalid:');
    expect(message).toContain('unknown column `nme`');
    expect(message).toContain('^^^');
    // `a` failed, but `c` is still checked against it (as text): one more problem, not a crash.
    expect(message).toContain('column "c" = "a * 2" is invalid:');
  });
});
