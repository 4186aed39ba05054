import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import windowMod from './index.js';

const input = new Schema([new Field('shop', new Utf8(), true), new Field('n', new Int32(), true), new Field('price', new Float64(), true)]);

describe('window_mod outputSchemas', () => {
  it('types each window column after the input columns', async () => {
    const r = await outputSchemasOf(windowMod, {
      partition_by: ['shop'], order_by: ['n desc nulls first'],
      columns: { rn: 'row_number()', pct: 'percent_rank()', prev: 'lag(shop)', total: 'sum(n)', mean: 'avg(n)', low: 'min(price)', cnt: 'count(*)', twice: 'max(price * 2)' },
    }, { input });
    expect(r.problems).toEqual([]);
    const output = r.outputs?.output as Schema;
    expect(output.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)).toEqual([
      'shop:Utf8:true', 'n:Int32:true', 'price:Float64:true',
      'rn:Int64:false', 'pct:Float64:false', 'prev:Utf8:true', 'total:Int64:true', 'mean:Float64:true', 'low:Float64:true', 'cnt:Int64:false', 'twice:Float64:true',
    ]);
  });

  it('checks the forms of every function before the input is known, and the columns once it is', async () => {
    const unknown = await outputSchemasOf(windowMod, { columns: { a: 'lead(x, 1, 2, 3)', b: 'sum(x) groups between 1 preceding and current row', ok: 'sum(nope)' } }, {});
    expect(unknown.problems?.map((p) => [p.key, p.message])).toEqual([
      [['columns', 'a'], '"lead(x, 1, 2, 3)": lead takes 1 to 3 arguments, not 4; write lead(expr[, offset[, default]])'],
      [['columns', 'b'], expect.stringMatching(/^"sum\(x\) groups between 1 preceding and current row": "groups between 1 preceding and current row" is not a frame; a frame is rows between/)],
    ]);
    const known = await outputSchemasOf(windowMod, { columns: { ok: 'sum(nope)' } }, { input });
    expect(known.problems?.map((p) => p.message)).toEqual(['sum(nope) names column "nope", which the input does not have']);
  });
});
