import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import aggregate from './index.js';

const input = new Schema([new Field('city', new Utf8(), true), new Field('wind', new Float64(), true), new Field('n', new Int32(), true)]);
const columns = (s: unknown) => (s as Schema).fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`);

describe('aggregate_mod outputSchemas', () => {
  it('computes the group columns and one typed column per aggregate', async () => {
    const r = await outputSchemasOf(aggregate, { group_by: ['city'], aggregates: { rows: 'count(*)', total: 'sum(n)', top: 'max(n)' } }, { input });
    expect(r.problems).toEqual([]);
    expect(columns(r.outputs?.output)).toEqual(['city:Utf8:true', 'rows:Int64:false', 'total:Float64:true', 'top:Int32:true']);
  });

  it('lists every unsupported aggregate with the functions there are', async () => {
    const r = await outputSchemasOf(aggregate, { group_by: ['cty'], aggregates: { m: 'median(wind)', d: 'count(distinct city)', s: 'sum(city)' } }, { input });
    expect(r.problems?.map((p) => [p.key, p.message])).toEqual([
      [['group_by', 0], 'group_by names column "cty", which the input does not have (did you mean "city"?)'],
      [['aggregates', 'm'], expect.stringContaining('no aggregate function "median"')],
      [['aggregates', 'd'], 'count() names column "distinct city", which the input does not have'],
      [['aggregates', 's'], expect.stringContaining('sum(city) needs a numeric column')],
    ]);
    expect(r.problems?.[2].hint).toMatch(/DISTINCT is not supported.*count\(\*\), count\(col\), sum\(col\)/);
  });
});
