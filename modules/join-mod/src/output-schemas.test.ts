import { Field, Int32, Int64, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import join from './index.js';
import type { Config } from './config.js';

const left = new Schema([new Field('id', new Int32(), false), new Field('name', new Utf8(), true)]);
const right = new Schema([new Field('id', new Int64(), false), new Field('name', new Utf8(), true), new Field('city', new Utf8(), false)]);
const columns = (s: unknown) => (s as Schema).fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`);
const output = async (config: Config) => columns((await outputSchemasOf(join, { ...config }, { left, right })).outputs?.output);

describe('join_mod outputSchemas', () => {
  it('gives the left columns, then the right ones named and nullable as the run makes them', async () => {
    expect(await output({ on: ['id'] })).toEqual(['id:Int32:false', 'name:Utf8:true', 'name_right:Utf8:true', 'city:Utf8:true']);
    expect(await output({ on: ['id'], how: 'left' })).toEqual(['id:Int32:false', 'name:Utf8:true', 'name_right:Utf8:true', 'city:Utf8:true']);
  });

  it('makes the left side nullable for right and full joins, the folded key of the common type', async () => {
    expect(await output({ on: ['id'], how: 'right' })).toEqual(['id:Int64:false', 'name:Utf8:true', 'name_right:Utf8:true', 'city:Utf8:true']);
    expect(await output({ on: ['id'], how: 'full', null_safe: true })).toEqual(['id:Int64:false', 'name:Utf8:true', 'name_right:Utf8:true', 'city:Utf8:true']);
  });

  it('gives only the left columns for semi and anti joins, and every column for cross joins', async () => {
    expect(await output({ on: ['id'], how: 'semi' })).toEqual(['id:Int32:false', 'name:Utf8:true']);
    expect(await output({ on: ['id'], how: 'anti', condition: 'city != name' })).toEqual(['id:Int32:false', 'name:Utf8:true']);
    expect(await output({ on: [], how: 'cross' })).toEqual(['id:Int32:false', 'name:Utf8:true', 'id_right:Int64:true', 'name_right:Utf8:true', 'city:Utf8:true']);
  });

  it('reports keys the inputs do not have and a bad condition, each under its config key, and is unknown while an input is', async () => {
    const r = await outputSchemasOf(join, { on: ['idd'], condition: 'cty > 1' }, { left, right });
    expect(r.problems).toEqual([
      expect.objectContaining({ key: ['on'], message: expect.stringContaining('left input has no column "idd"') }),
      expect.objectContaining({ key: ['on'], message: expect.stringContaining('right input has no column "idd"') }),
      expect.objectContaining({ key: ['condition'], message: expect.stringContaining('unknown column `cty`') }),
    ]);
    expect((await outputSchemasOf(join, { on: ['id'] }, { left })).outputs?.output).toEqual({ unknown: 'its right input is unknown' });
  });
});
