import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { CONNECTION_DEFAULTS } from '@pypeline/postgres';
import { describeWithService, postgresTestConfig } from '@pypeline/test-services';
import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import postgresSource from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const db = postgresTestConfig();

async function query(sql: string, more: Partial<Config> = {}) {
  const ctx = createTestContext<Config>({ config: { ...db, query: sql, ...more }, manifest: MANIFEST, moduleId: 'q' });
  const table = ((await postgresSource.run({}, ctx)) as ModuleOutputs).data as Table;
  return { table, ctx, rows: table.toArray().map((r) => r.toJSON()), types: table.schema.fields.map((f) => `${f.name}:${f.type}`) };
}

describe('postgres_source manifest', () => {
  it('keeps its code defaults equal to the generated manifest, and marks the password secret', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const optional = manifest.config_schema.optional;
    const defaults = Object.fromEntries(Object.entries(optional).filter(([, v]) => 'default' in (v as object)).map(([k, v]) => [k, (v as { default: unknown }).default]));
    expect(defaults).toEqual({ ...CONNECTION_DEFAULTS, ...DEFAULTS });
    expect(optional.password.secret).toBe(true);
    expect(Object.keys(manifest.config_schema.required)).toEqual(['database', 'query']);
  });
});

describeWithService('postgres', 'postgres_source against PostgreSQL', () => {
  it('maps column types and reads nulls, with $n parameters', async () => {
    const { rows, types, ctx } = await query(
      `select 1::int4 as i, 9007199254740993::int8 as big, 2.5::float8 as f, 1.25::numeric as n, true as b, 'x'::text as t,
              '2024-01-31'::date as d, '2024-01-31 10:00:00.5'::timestamp as ts, '2024-01-31 10:00:00+02'::timestamptz as tz,
              null::int4 as nothing, $1::text as p1, $2::int4 as p2, '{"a":1}'::jsonb as j`,
      { params: ["o'brien; drop table x", 7] },
    );
    expect(types).toEqual([
      'i:Int32', 'big:Int64', 'f:Float64', 'n:Float64', 'b:Bool', 't:Utf8', 'd:Date32<DAY>', 'ts:Timestamp<MILLISECOND>',
      'tz:Timestamp<MILLISECOND, UTC>', 'nothing:Int32', 'p1:Utf8', 'p2:Int32', 'j:Utf8',
    ]);
    expect(rows[0]).toEqual({
      i: 1, big: 9007199254740993n, f: 2.5, n: 1.25, b: true, t: 'x', d: Date.UTC(2024, 0, 31), ts: Date.UTC(2024, 0, 31, 10, 0, 0, 500),
      tz: Date.UTC(2024, 0, 31, 8), nothing: null, p1: "o'brien; drop table x", p2: 7, j: '{"a": 1}',
    });
    expect(ctx.globals.get('row_count')).toBe(1);
  });

  it('reads in batches of batch_size rows', async () => {
    const { table } = await query('select g as n, repeat($1, g) as s from generate_series(1, 25) g', { params: ['ab'], batch_size: 10 });
    expect(table.numRows).toBe(25);
    expect(table.batches.map((b) => b.numRows)).toEqual([10, 10, 5]);
    expect(table.get(24)!.toJSON()).toEqual({ n: 25, s: 'ab'.repeat(25) });
  });

  it('gives an empty table with the columns when no row matches', async () => {
    const { table } = await query('select 1 as a, $1::text as b where false', { params: ['x'] });
    expect(table.numRows).toBe(0);
    expect(table.schema.names).toEqual(['a', 'b']);
  });

  it('reports SQL errors with the place, not retryable', async () => {
    const error = await query('select * from no_such_table_pype').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe('query failed near "no_such_table_pype": relation "no_such_table_pype" does not exist');
    expect((error as ModuleError).retryable).toBe(false);
  });

  it('refuses a result with two columns of one name', async () => {
    await expect(query('select 1 as id, 2 as id')).rejects.toThrow('the query returns two columns named "id"');
  });
}, 60_000);
