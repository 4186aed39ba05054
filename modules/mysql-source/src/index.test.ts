import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModuleError, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { connect, disconnect, query } from '@pypeline/mysql';
import { describeWithService, mariadbTestConfig, uniqueName } from '@pypeline/test-services';
import type { Connection } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysqlSource from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const db = mariadbTestConfig();

async function read(sql: string, more: Partial<Config> = {}) {
  const ctx = createTestContext<Config>({ config: { ...db, query: sql, ...more }, manifest: MANIFEST, moduleId: 'q' });
  const output = ((await mysqlSource.run({}, ctx)) as ModuleOutputs).data as ModuleOutput & { schema: unknown };
  const table = await toTable(output);
  return { table, ctx, rows: table.toArray().map((r) => r.toJSON()), types: table.schema.fields.map((f) => `${f.name}:${f.type}`) };
}

describe('mysql_source manifest', () => {
  it('marks the password secret (conformance.test.ts checks the defaults)', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.password.secret).toBe(true);
    expect(manifest.json_schema.properties.query.format).toBe('sql-mysql');
  });
});

describeWithService('mariadb', 'mysql_source against MariaDB', () => {
  const table = uniqueName('pype_src_types');
  let connection: Connection;
  beforeAll(async () => {
    connection = await connect(db);
    await query(connection, `CREATE TABLE ${table} (
      id INT PRIMARY KEY, flag BOOL, tiny TINYINT, utiny TINYINT UNSIGNED, small SMALLINT, medium MEDIUMINT, uint INT UNSIGNED,
      big BIGINT, ubig BIGINT UNSIGNED, price DECIMAL(12, 3), wide DECIMAL(50, 10), f FLOAT, d DOUBLE, day DATE, at DATETIME(6), ts TIMESTAMP(3) NULL,
      t TIME(6), y YEAR, name VARCHAR(40), body TEXT, c CHAR(3), blob_ BLOB, bin BINARY(2), doc JSON, e ENUM('red', 'green'), s SET('a', 'b', 'c'),
      bit1 BIT(1), bits BIT(12)
    ) CHARACTER SET utf8mb4`);
    await query(connection, `INSERT INTO ${table} VALUES
      (1, TRUE, -128, 255, -32768, -8388608, 4294967295, -9223372036854775808, 18446744073709551615, -123456789.125, 12345678901234567890123456789012345678.0123456789,
       1.5, 0.1, '2024-01-31', '2024-01-31 10:00:00.123456', '2024-01-31 10:00:00.500', '23:59:59.999999', 2024, 'Zoë 😀', 'long text', 'abc', X'00FF10', X'0102',
       '{"a": [1, 2]}', 'green', 'a,c', b'1', b'101010101010'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  });
  afterAll(async () => {
    await query(connection, `DROP TABLE IF EXISTS ${table}`);
    await disconnect(connection);
  });

  it('maps every column type exactly, and reads nulls', async () => {
    const { rows, types, ctx } = await read(`SELECT * FROM ${table} ORDER BY id`);
    expect(types).toEqual([
      'id:Int32', 'flag:Bool', 'tiny:Int8', 'utiny:Uint8', 'small:Int16', 'medium:Int32', 'uint:Uint32', 'big:Int64', 'ubig:Uint64',
      'price:Decimal[12e+3]', 'wide:Decimal[50e+10]', 'f:Float32', 'd:Float64', 'day:Date32<DAY>', 'at:Timestamp<MICROSECOND>', 'ts:Timestamp<MICROSECOND, UTC>',
      'time:Time64<MICROSECOND>', 'y:Int16', 'name:Utf8', 'body:Utf8', 'c:Utf8', 'blob_:Binary', 'bin:Binary', 'doc:Utf8', 'e:Utf8', 's:Utf8', 'bit1:Bool', 'bits:Uint64',
    ].map((t) => t.replace(/^time:/, 't:')));
    const [one, two] = rows;
    expect(one).toMatchObject({
      id: 1, flag: true, tiny: -128, utiny: 255, small: -32768, medium: -8388608, uint: 4294967295, big: -9223372036854775808n, ubig: 18446744073709551615n,
      f: 1.5, d: 0.1, day: Date.UTC(2024, 0, 31), y: 2024, name: 'Zoë 😀', body: 'long text', c: 'abc', doc: '{"a": [1, 2]}', e: 'green', s: 'a,c', bit1: true, bits: 0b101010101010n,
    });
    expect(Buffer.from(one.blob_ as Uint8Array).toString('hex')).toBe('00ff10');
    expect(Buffer.from(one.bin as Uint8Array).toString('hex')).toBe('0102');
    // Microseconds kept: read the raw int64 values.
    const batch = (await read(`SELECT at, ts, t, price, wide FROM ${table} WHERE id = 1`)).table.batches[0];
    expect(batch.getChild('at')!.data[0].values[0]).toBe(BigInt(Date.UTC(2024, 0, 31, 10)) * 1000n + 123456n);
    expect(batch.getChild('ts')!.data[0].values[0]).toBe(BigInt(Date.UTC(2024, 0, 31, 10)) * 1000n + 500000n);
    expect(batch.getChild('t')!.data[0].values[0]).toBe(86_399_999_999n);
    const { decimalText } = await import('@pypeline/sdk');
    expect(decimalText(batch.getChild('price')!.data[0].values.subarray(0, 4) as Uint32Array, 3)).toBe('-123456789.125');
    expect(decimalText(batch.getChild('wide')!.data[0].values.subarray(0, 8) as Uint32Array, 10)).toBe('12345678901234567890123456789012345678.0123456789');
    expect(Object.values(two).filter((v) => v !== null)).toEqual([2]);
    expect(ctx.globals.get('row_count')).toBe(2);
  });

  it('binds ? parameters on the server: a quote in a value cannot change the query', async () => {
    const { rows } = await read(`SELECT id, ? AS p1, ? + 1 AS p2 FROM ${table} WHERE name = ? OR id = ?`, { params: ["o'brien; DROP TABLE x", 7, "x' OR '1'='1", 2] });
    expect(rows).toEqual([{ id: 2, p1: "o'brien; DROP TABLE x", p2: 8 }]);
  });

  it('reads in batches of batch_size rows, as a stream', async () => {
    const { table: t } = await read('WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 25) SELECT n, REPEAT(?, n) AS s FROM g', { params: ['ab'], batch_size: 10 });
    expect(t.numRows).toBe(25);
    expect(t.batches.map((b) => b.numRows)).toEqual([10, 10, 5]);
    expect(t.get(24)!.toJSON()).toEqual({ n: 25, s: 'ab'.repeat(25) });
  });

  it('gives an empty table with the columns when no row matches', async () => {
    const { table: t } = await read(`SELECT id, name FROM ${table} WHERE id = ?`, { params: [99] });
    expect(t.numRows).toBe(0);
    expect(t.schema.names).toEqual(['id', 'name']);
  });

  it('reports SQL errors with the place, not retryable', async () => {
    const error = await read('SELECT * FROM no_such_table_pype').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe(`query failed: Table '${db.database}.no_such_table_pype' doesn't exist`);
    expect((error as ModuleError).retryable).toBe(false);
    expect((error as ModuleError).hint).toMatch(/table name/);
  });

  it('refuses a result with two columns of one name, and a statement without rows', async () => {
    await expect(read('SELECT 1 AS id, 2 AS id')).rejects.toThrow('the query returns two columns named "id"');
    await expect(read(`UPDATE ${table} SET name = name WHERE id = 0`)).rejects.toThrow(/the query returns no rows/);
  });

  it('refuses a TIME that is not a time of day, with the way around it', async () => {
    const error = (await read("SELECT CAST('-01:00:00' AS TIME) AS t").catch((e: unknown) => e)) as ModuleError;
    expect(error.message).toBe('TIME value "-01:00:00" of column "t" is not a time of day (00:00:00 to 23:59:59.999999)');
    expect(error.hint).toMatch(/TIME_TO_SEC\(t\)/);
  });

  it('check() connects and plans the query with EXPLAIN', async () => {
    const ok = await mysqlSource.check!({ config: { ...db, query: `SELECT * FROM ${table} WHERE id = ?`, params: [1] }, signal: new AbortController().signal } as never);
    expect(ok).toMatch(/^mysql:\/\/root@127\.0\.0\.1:3306\/test \((MariaDB|MySQL) [\d.]+\): the query plans$/);
    await expect(mysqlSource.check!({ config: { ...db, query: 'SELECT nope FROM no_such_table_pype' }, signal: new AbortController().signal } as never)).rejects.toThrow(/query does not plan: Table .* doesn't exist/);
  });
}, 60_000);

describe('mysql_source without a server', () => {
  it('names host:port and the fix when nothing listens there', async () => {
    const ctx = createTestContext<Config>({ config: { host: '127.0.0.1', port: 1, database: 'test', query: 'SELECT 1' }, manifest: MANIFEST, moduleId: 'q' });
    const error = (await mysqlSource.run({}, ctx).catch((e: unknown) => e)) as ModuleError;
    expect(error).toBeInstanceOf(ModuleError);
    expect(error.message).toMatch(/^cannot connect to MySQL at 127\.0\.0\.1:1 \(database "test", user "root"\): .*ECONNREFUSED/);
    expect(error.hint).toMatch(/check host and port, and that MySQL\/MariaDB is running/);
    expect(error.retryable).toBe(true);
  }, 30_000);
});
