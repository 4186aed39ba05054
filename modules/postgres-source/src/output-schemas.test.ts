import type { Schema } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describeWithService, postgresTestConfig } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import postgresSource from './index.js';

const db = postgresTestConfig();

describeWithService('postgres', 'postgres_source outputSchemas against PostgreSQL', () => {
  it('asks the database for the columns without reading a row, with the types the run gives them', async () => {
    const r = await outputSchemasOf(postgresSource, {
      ...db,
      query: "select 1::int4 as i, 9007199254740993::int8 as big, 2.5::float8 as f, 'x'::text as t where 1 = $1;",
      params: [1],
    });
    expect((r.outputs?.data as Schema).fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['i:Int32', 'big:Int64', 'f:Float64', 't:Utf8']);
  }, 30_000);

  it('fails (and core falls back to unknown) when a name is wrong', async () => {
    await expect(outputSchemasOf(postgresSource, { ...db, query: 'select * from no_such_table_pype' })).rejects.toThrow(/no_such_table_pype/);
  }, 30_000);
});

describe('postgres_source outputSchemas without a server', () => {
  it('gives up when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(outputSchemasOf(postgresSource, { host: '127.0.0.1', port: 1, database: 'x', user: 'x', query: 'select 1' }, {}, { signal: controller.signal })).rejects.toThrow();
  }, 30_000);
});
