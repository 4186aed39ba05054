import type { Schema } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describeWithService, mariadbTestConfig } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import mysqlSource from './index.js';

const db = mariadbTestConfig();

describeWithService('mariadb', 'mysql_source outputSchemas against MariaDB', () => {
  it('asks the database for the columns without reading a row, with the types the run gives them', async () => {
    const r = await outputSchemasOf(mysqlSource, {
      ...db,
      query: "SELECT 1 AS i, CAST(18446744073709551615 AS UNSIGNED) AS big, 2.5e0 AS f, 'x' AS t, CAST(1.25 AS DECIMAL(10, 2)) AS n WHERE 1 = ?;",
      params: [1],
    });
    expect((r.outputs?.data as Schema).fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['i:Int32', 'big:Uint64', 'f:Float64', 't:Utf8', 'n:Decimal[10e+2]']);
  }, 30_000);

  it('fails (and core falls back to unknown) when a name is wrong', async () => {
    await expect(outputSchemasOf(mysqlSource, { ...db, query: 'SELECT * FROM no_such_table_pype' })).rejects.toThrow(/the query cannot be described: Table .*no_such_table_pype/);
  }, 30_000);
});

describe('mysql_source outputSchemas without a server', () => {
  it('gives up when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(outputSchemasOf(mysqlSource, { host: '127.0.0.1', port: 1, database: 'x', query: 'SELECT 1' }, {}, { signal: controller.signal })).rejects.toThrow();
  }, 30_000);
});
