import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { connect, disconnect, query, type Connection } from '@pypeline/mysql';
import { describeWithService, mariadbTestConfig, uniqueName } from '@pypeline/test-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import mysqlSink from './index.js';

const db = mariadbTestConfig();
const input = new Schema([new Field('id', new Int32(), false), new Field('nme', new Utf8(), true)]);

describeWithService('mariadb', 'mysql_sink outputSchemas against MariaDB', () => {
  const table = uniqueName('pype_sink_schema');
  let connection: Connection;
  beforeAll(async () => {
    connection = await connect(db);
    await query(connection, `CREATE TABLE \`${table}\` (id INT, name TEXT)`);
  });
  afterAll(async () => {
    await query(connection, `DROP TABLE IF EXISTS \`${table}\``);
    await disconnect(connection);
  });

  it('lists every problem at once: input columns the table lacks, and an upsert key that is not unique or not in the input', async () => {
    const r = await outputSchemasOf(mysqlSink, { ...db, table, mode: 'upsert', key: ['id', 'code'] }, { input });
    expect(r.problems).toEqual([
      { key: ['key'], message: 'key column "code" is not a column of the input', hint: "the input's columns: id, nme" },
      { key: ['table'], message: `input column "nme" is not a column of \`${db.database}\`.\`${table}\``, hint: expect.stringContaining('its columns: id, name') },
      { key: ['key'], message: expect.stringMatching(/^mode upsert on key \(id, code\): table .* has no PRIMARY KEY or UNIQUE index on exactly these columns \(it has no PRIMARY KEY or UNIQUE index\)$/), hint: expect.stringContaining('ADD UNIQUE (`id`, `code`)') },
    ]);
  }, 30_000);

  it('warns about a table that is not there unless create_table is set, and wants a key for upsert', async () => {
    const missing = `${table}_missing`;
    expect((await outputSchemasOf(mysqlSink, { ...db, table: missing }, { input })).problems).toEqual([expect.objectContaining({ severity: 'warning', message: `table \`${db.database}\`.\`${missing}\` does not exist (yet)` })]);
    expect((await outputSchemasOf(mysqlSink, { ...db, table: missing, create_table: true }, { input })).problems).toEqual([]);
    expect((await outputSchemasOf(mysqlSink, { ...db, table: missing, create_table: true, mode: 'upsert' }, { input })).problems).toEqual([
      { key: ['key'], message: 'mode upsert needs key: the columns a row is matched on', hint: 'set key, e.g. key: [id]' },
    ]);
  }, 30_000);
});
