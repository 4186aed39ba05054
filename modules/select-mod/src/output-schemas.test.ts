import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import select from './index.js';

const input = new Schema([new Field('id', new Int32(), false), new Field('amount', new Utf8(), true), new Field('day', new Utf8(), true)]);
const columns = (s: unknown) => (s as Schema).fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`);

describe('select_mod outputSchemas', () => {
  it('picks, renames and casts as the run does', async () => {
    const r = await outputSchemasOf(select, { columns: ['day', 'id', 'amount'], rename: { id: 'key' }, cast: { amount: 'float64' }, drop: ['day'] }, { input });
    expect(r.problems).toEqual([]);
    expect(columns(r.outputs?.output)).toEqual(['key:Int32:false', 'amount:Float64:true']);
  });

  it('names each unknown column under its key, with the nearest name', async () => {
    const r = await outputSchemasOf(select, { columns: ['id', 'amnt'], cast: { dya: 'date' } }, { input });
    expect(r.problems?.map((p) => [p.key, p.message])).toEqual([
      [['columns', 1], 'columns names column "amnt", which the input does not have (did you mean "amount"?)'],
      [['cast', 'dya'], 'cast names column "dya", which the input does not have (did you mean "day"?)'],
    ]);
  });
});
