import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import postgresSink from './index.js';

const db = postgresTestConfig();
const input = new Schema([new Field('id', new Int32(), false), new Field('nme', new Utf8(), true)]);

describeWithService('postgres', 'postgres_sink outputSchemas against PostgreSQL', () => {
  const table = uniqueName('pype_sink_schema');
  const client = new pg.Client(db);
  beforeAll(async () => {
    await client.connect();
    await client.query(`create table "${table}" (id int, name text)`);
  });
  afterAll(async () => {
    await client.query(`drop table if exists "${table}"`);
    await client.end();
  });

  it('names each input column the existing table does not have', async () => {
    const r = await outputSchemasOf(postgresSink, { ...db, table }, { input });
    expect(r.problems).toEqual([{ key: ['table'], message: `input column "nme" is not a column of "${table}"`, hint: expect.stringContaining('its columns: id, name') }]);
  }, 30_000);

  it('warns about a table that is not there unless create_table is set', async () => {
    const missing = `${table}_missing`;
    expect((await outputSchemasOf(postgresSink, { ...db, table: missing }, { input })).problems).toEqual([expect.objectContaining({ severity: 'warning', message: `table "${missing}" does not exist (yet)` })]);
    expect((await outputSchemasOf(postgresSink, { ...db, table: missing, create_table: true }, { input })).problems).toBeUndefined();
  }, 30_000);
});
