import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import join from './index.js';

const left = new Schema([new Field('id', new Int32(), false), new Field('name', new Utf8(), true)]);
const right = new Schema([new Field('id', new Int32(), false), new Field('name', new Utf8(), true), new Field('city', new Utf8(), false)]);
const columns = (s: unknown) => (s as Schema).fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`);

describe('join_mod outputSchemas', () => {
  it('gives the left columns, then the right ones named and nullable as the run makes them', async () => {
    const r = await outputSchemasOf(join, { on: ['id'] }, { left, right });
    expect(columns(r.outputs?.output)).toEqual(['id:Int32:false', 'name:Utf8:true', 'name_right:Utf8:true', 'city:Utf8:true']);
  });

  it('reports keys the inputs do not have, and is unknown while an input is', async () => {
    const r = await outputSchemasOf(join, { on: ['idd'] }, { left, right });
    expect(r.problems).toEqual([expect.objectContaining({ key: ['on'], message: expect.stringContaining('left input has no column "idd"') })]);
    expect((await outputSchemasOf(join, { on: ['id'] }, { left })).outputs?.output).toEqual({ unknown: 'its right input is unknown' });
  });
});
