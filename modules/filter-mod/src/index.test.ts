import { Int32, RecordBatch, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import filterMod from './index.js';
import type { Config } from './config.js';

function people(): Table {
  const batch = (ages: (number | null)[], names: string[]) =>
    new Table({ age: vectorFromArray(ages, new Int32()), name: vectorFromArray(names, new Utf8()) }).batches[0];
  const batches: RecordBatch[] = [batch([12, 30, null], ['ann', 'bob', 'cy']), batch([45, 17], ['dee', 'eve']), batch([5], ['fay'])];
  return new Table(batches);
}

async function filter(condition: string, upstreamGlobals?: Record<string, Record<string, unknown>>) {
  const ctx = createTestContext<Config>({ config: { condition }, moduleId: 'adults', upstreamGlobals });
  const outputs = (await filterMod.run({ input: new MemoryArtifact(people()) }, ctx)) as ModuleOutputs;
  const stream = outputs.output as AsyncIterable<RecordBatch> & { schema: Table['schema'] };
  const batches: RecordBatch[] = [];
  for await (const batch of stream) batches.push(batch);
  return { table: new Table(stream.schema, batches), batches, stream, ctx };
}

async function failure(condition: string): Promise<ModuleError> {
  const error = await filter(condition).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleError);
  expect((error as ModuleError).retryable).toBe(false);
  return error as ModuleError;
}

describe('filter_mod', () => {
  it('fails before reading any row when the condition is bad', async () => {
    const ctx = createTestContext<Config>({ config: { condition: 'age >' } });
    let read = false;
    const input = new MemoryArtifact(people());
    input.batches = () => {
      read = true;
      return people().batches as unknown as AsyncIterable<RecordBatch>;
    };
    await expect(filterMod.run({ input }, ctx)).rejects.toThrow('is invalid');
    expect(read).toBe(false);
  });

  it('streams the matching rows batch by batch and counts rows in and out when the stream ends', async () => {
    const { table, batches, stream, ctx } = await filter('age > 18');
    expect(stream.schema.names).toEqual(['age', 'name']);
    expect(batches.map((b) => b.numRows)).toEqual([1, 1]);
    expect(table.toArray().map((r) => r.name)).toEqual(['bob', 'dee']);
    expect(table.schema.names).toEqual(['age', 'name']);
    expect(ctx.globals.get('rows_in')).toBe(6);
    expect(ctx.globals.get('rows_out')).toBe(2);
  });

  it('yields one empty batch with the input schema when nothing matches', async () => {
    const { table, ctx } = await filter("name == 'nobody'");
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['age:Int32', 'name:Utf8']);
    expect(ctx.globals.get('rows_out')).toBe(0);
  });

  it('reads {{module__global}} variables from earlier modules', async () => {
    const { table } = await filter('age >= {{src__min_age}}', { src: { min_age: 30 } });
    expect(table.toArray().map((r) => r.name)).toEqual(['bob', 'dee']);
  });

  it('reports a syntax error with the condition and carets', async () => {
    const error = await failure('age >');
    expect(error.message).toMatch(/^filter condition "age >" is invalid:\n/);
    expect(error.message).toContain('\n  age >\n');
  });

  it('reports an unknown column with a suggestion', async () => {
    const error = await failure("nme == 'bob'");
    expect(error.message).toContain('nme');
    expect(error.message).toContain('name');
    expect(error.message).toContain('^^^');
  });

  it('reports an unknown variable', async () => {
    expect((await failure('age > {{src__nope}}')).message).toContain('unknown variable');
  });
});
