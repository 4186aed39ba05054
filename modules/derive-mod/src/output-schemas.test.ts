import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import derive from './index.js';

const input = new Schema([new Field('qty', new Int32(), true), new Field('price', new Float64(), true), new Field('name', new Utf8(), true)]);
const columns = (s: unknown) => (s as Schema).fields.map((f) => `${f.name}:${String(f.type)}`);

describe('derive_mod outputSchemas', () => {
  it('adds and replaces columns in order, later expressions seeing earlier ones', async () => {
    const r = await outputSchemasOf(derive, { columns: { total: 'qty * price', name: 'upper(name)', big: 'total > 100' } }, { input });
    expect(r.problems).toEqual([]);
    expect(columns(r.outputs?.output)).toEqual(['qty:Int32', 'price:Float64', 'name:Utf8', 'total:Float64', 'big:Bool']);
  });

  it('reports every bad expression with its key and span', async () => {
    const r = await outputSchemasOf(derive, { columns: { a: 'qty +', b: 'prce * 2', c: 'yeer(name)' } }, { input });
    expect(r.problems?.map((p) => [p.key, p.message, p.span?.start])).toEqual([
      [['columns', 'a'], expect.stringContaining('expected a value'), 5],
      [['columns', 'b'], 'unknown column `prce`', 0],
      [['columns', 'c'], 'unknown function `yeer()`', 0],
    ]);
  });

  it('gives unknown when a column takes its type from a variable, and when the input is unknown', async () => {
    const r = await outputSchemasOf(derive, { columns: { v: '{{context.rate}}', w: 'v + qty' } }, { input });
    expect(r.outputs?.output).toEqual({ unknown: 'column "v" takes its type from a {{variable}} known only at run time' });
    expect((await outputSchemasOf(derive, { columns: { v: 'x * 2' } }, {})).outputs?.output).toEqual({ unknown: 'its input is unknown' });
  });
});
