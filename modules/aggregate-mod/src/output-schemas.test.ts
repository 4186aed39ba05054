import { Bool, DateDay, Field, Float64, Int32, Schema, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { aggregateSignatures } from '@pypeline/expr';
import { MemoryArtifact, toTable, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext, outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import aggregate from './index.js';
import type { Config } from './config.js';

const input = new Schema([new Field('city', new Utf8(), true), new Field('wind', new Float64(), true), new Field('n', new Int32(), true)]);
const columns = (s: unknown) => (s as Schema).fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`);

// One aggregate of every function over every column type it reads.
const EVERY: Record<string, string> = {
  rows: 'count(*)', c: 'count(city)', cd: 'count(distinct city)', ci: 'count_if(wind > 3)',
  si: 'sum(n)', sf: 'sum(wind)', sd: 'sum(distinct n)', a: 'avg(n)', ad: 'avg(distinct wind)',
  mins: 'min(city)', maxd: 'max(day)', mint: 'min(at)', maxb: 'max(ok)', f: 'first(city)', l: 'last(at)',
  s1: 'stddev(wind)', s2: 'stddev_samp(n)', s3: 'stddev_pop(n)', v1: 'variance(n)', v2: 'var_samp(wind)', v3: 'var_pop(wind)',
  med: 'median(n)', qc: 'quantile_cont(wind, 0.9)', qd: 'quantile_disc(city, 0.5)', qdd: 'quantile_disc(day, 0.25)', mo: 'mode(city)',
  sa: "string_agg(city, '; ')", li: 'list(day)', ba: 'bool_and(ok)', bo: 'bool_or(ok)',
};

describe('aggregate_mod outputSchemas', () => {
  it('computes the group columns and one typed column per aggregate', async () => {
    const r = await outputSchemasOf(aggregate, { group_by: ['city'], aggregates: { rows: 'count(*)', total: 'sum(n)', top: 'max(n)', spread: 'stddev(wind)', all: 'list(n)' }, having: 'rows > 2' }, { input });
    expect(r.problems).toEqual([]);
    expect(columns(r.outputs?.output)).toEqual(['city:Utf8:true', 'rows:Int64:false', 'total:Int64:true', 'top:Int32:true', 'spread:Float64:true', 'all:List<Int32>:true']);
  });

  it('gives every function the type the run produces', async () => {
    const data = new Table({
      city: vectorFromArray(['a', 'b', null, 'ü'], new Utf8()), wind: vectorFromArray([1.5, null, 4, 9], new Float64()), n: vectorFromArray([1, 2, 3, null], new Int32()),
      day: vectorFromArray([1, 2, 3, 4].map((d) => new Date(Date.UTC(2024, 0, d))), new DateDay()), at: vectorFromArray([5, 6, 7, 8].map((d) => new Date(Date.UTC(2024, 0, d))), new TimestampMillisecond()),
      ok: vectorFromArray([true, null, false, true], new Bool()),
    });
    const declared = await outputSchemasOf(aggregate, { group_by: ['n'], aggregates: EVERY }, { input: data.schema });
    expect(declared.problems).toEqual([]);
    const ctx = createTestContext<Config>({ config: { group_by: ['n'], aggregates: EVERY }, manifest: fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url)), moduleId: 'a' });
    const ran = await toTable(((await aggregate.run({ input: new MemoryArtifact(data) }, ctx)) as ModuleOutputs).output);
    expect(columns(ran.schema)).toEqual(columns(declared.outputs?.output));
  });

  it('lists every problem at once: columns, functions, types and having', async () => {
    const r = await outputSchemasOf(aggregate, { group_by: ['cty'], aggregates: { m: 'medain(wind)', d: 'count(distinct town)', s: 'sum(city)', b: 'bool_or(n)', q: 'quantile_disc(n)', c: 'count_if(wnd > 1)' }, having: 'm >' }, { input });
    expect(r.problems?.map((p) => [p.key, p.message])).toEqual([
      [['group_by', 0], 'group_by names column "cty", which the input does not have (did you mean "city"?)'],
      [['aggregates', 'm'], `"medain(wind)": unknown function medain (did you mean median?); allowed: ${aggregateSignatures()}`],
      [['aggregates', 'd'], 'count() names column "town", which the input does not have'],
      [['aggregates', 's'], 'sum(city) needs a numeric column, but "city" is Utf8'],
      [['aggregates', 'b'], 'bool_or(n) needs a boolean column, but "n" is Int32'],
      [['aggregates', 'q'], '"quantile_disc(n)": quantile_disc needs the fraction p after the column; write quantile_disc(col, p) or quantile_disc(distinct col, p)'],
      [['aggregates', 'c'], expect.stringContaining('count_if(wnd > 1): ')],
      [['having'], expect.stringContaining('')],
    ]);
    expect(r.problems?.[3].hint).toBe('cast it to a number with select_mod first (cast: { column: float64 })');
  });

  it('checks having against the output columns', async () => {
    const r = await outputSchemasOf(aggregate, { group_by: ['city'], aggregates: { rows: 'count(*)' }, having: 'wind > 1' }, { input });
    expect(r.problems?.map((p) => [p.key, p.hint])).toEqual([[['having'], expect.stringContaining('city, rows')]]);
  });
});
