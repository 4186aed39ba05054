import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Binary, Bool, DateDay, Decimal, Float64, Int32, Int64, Table, TimestampMicrosecond, Uint64, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError } from '@pypeline/sdk';
import { createTestContext, type TestContextOptions } from '@pypeline/sdk/testing';
import { connect, decimalWords, disconnect, execute, query } from '@pypeline/mysql';
import { describeWithService, mariadbTestConfig, uniqueName } from '@pypeline/test-services';
import type { Connection } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysqlSink from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const db = mariadbTestConfig();

function decimals(values: (string | null)[], precision: number, scale: number) {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => v !== null && words.set(decimalWords(v, scale, 128), i * 4));
  const type = new Decimal(scale, precision, 128);
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => v !== null && (nullBitmap[i >> 3] |= 1 << (i & 7)));
  return makeVector(makeData({ type, length: values.length, nullCount: values.filter((v) => v === null).length, nullBitmap, data: words }));
}

export const people = (ids: number[]) => new Table({
  id: vectorFromArray(ids, new Int32()),
  big: vectorFromArray(ids.map((i) => BigInt(i) * 10n ** 12n), new Int64()),
  ubig: vectorFromArray(ids.map(() => 18446744073709551615n), new Uint64()),
  score: vectorFromArray(ids.map((i) => (i === 2 ? null : i + 0.5)), new Float64()),
  price: decimals(ids.map((i) => (i === 2 ? null : `${i}234567.891`)), 12, 3),
  ok: vectorFromArray(ids.map((i) => i % 2 === 0), new Bool()),
  name: vectorFromArray(ids.map((i) => (i === 3 ? 'tab\t quote " back\\slash newline \n Zoë 😀' : `p${i}`)), new Utf8()),
  day: vectorFromArray(ids.map((i) => new Date(Date.UTC(2024, 0, i))), new DateDay()),
  at: makeVector(makeData({ type: new TimestampMicrosecond(), length: ids.length, nullCount: 0, data: BigInt64Array.from(ids.map((i) => BigInt(Date.UTC(2024, 0, 1, i, 30)) * 1000n + 123456n)) })),
  raw: vectorFromArray(ids.map((i) => new Uint8Array([0, i, 255, 9, 10])), new Binary()),
});

describe('mysql_sink manifest', () => {
  it('marks the password secret (conformance.test.ts checks the defaults)', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.password.secret).toBe(true);
  });
});

describeWithService('mariadb', 'mysql_sink against MariaDB', () => {
  const prefix = uniqueName('pype_sink');
  let connection: Connection;
  const tables: string[] = [];
  const name = (t: string) => {
    tables.push(`${prefix}_${t}`);
    return `${prefix}_${t}`;
  };
  beforeAll(async () => {
    connection = await connect(db);
  });
  afterAll(async () => {
    for (const t of tables) await query(connection, `DROP TABLE IF EXISTS \`${t}\``);
    await execute(connection, 'DELETE FROM pypeline_loads WHERE target LIKE ?', [`%${prefix}%`]).catch(() => {});
    await disconnect(connection);
  });

  async function load(config: Partial<Config> & { table: string }, data: Table, where: Partial<TestContextOptions<Config>> = {}) {
    const ctx = createTestContext<Config>({ config: { ...db, ...config }, manifest: MANIFEST, moduleId: 'load', ...where });
    await mysqlSink.run({ input: new MemoryArtifact(data) }, ctx);
    return ctx;
  }
  const select = async (table: string) =>
    (await query(connection, `SELECT id, CAST(big AS CHAR), CAST(ubig AS CHAR), score, CAST(price AS CHAR), ok, name, CAST(day AS CHAR), CAST(at AS CHAR), HEX(raw) FROM \`${table}\` ORDER BY id`)).rows;
  const ids = async (table: string) => (await query(connection, `SELECT id FROM \`${table}\` ORDER BY id`)).rows.map((r) => r[0]);

  it.each(['insert', 'load_data'] as const)('creates the table and loads every type exactly with %s', async (method) => {
    const table = name(`people_${method}`);
    const ctx = await load({ table, create_table: true, method, batch_size: 2 }, new Table([...people([1, 2]).batches, ...people([3]).batches]));
    expect(await select(table)).toEqual([
      [1, '1000000000000', '18446744073709551615', 1.5, '1234567.891', 0, 'p1', '2024-01-01', '2024-01-01 01:30:00.123456', '0001FF090A'],
      [2, '2000000000000', '18446744073709551615', null, null, 1, 'p2', '2024-01-02', '2024-01-01 02:30:00.123456', '0002FF090A'],
      [3, '3000000000000', '18446744073709551615', 3.5, '3234567.891', 0, 'tab\t quote " back\\slash newline \n Zoë 😀', '2024-01-03', '2024-01-01 03:30:00.123456', '0003FF090A'],
    ]);
    const types = await execute(connection, 'SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [db.database, table]);
    expect(types.rows.map((r) => String(r[0]))).toEqual(['int(11)', 'bigint(20)', 'bigint(20) unsigned', 'double', 'decimal(12,3)', 'tinyint(1)', 'longtext', 'date', 'datetime(6)', 'longblob']);
    expect(ctx.globals.get('row_count')).toBe(3);
    expect(ctx.globals.get('table')).toBe(`\`${db.database}\`.\`${table}\``);
  });

  it.each(['insert', 'load_data'] as const)('appends by default, replaces when asked, and upserts on a key (%s)', async (method) => {
    const table = name(`modes_${method}`);
    await load({ table, create_table: true, key: ['id'], method }, people([1, 2]));
    await load({ table, method }, people([3]));
    expect(await ids(table)).toEqual([1, 2, 3]);
    const renamed = people([2, 4]);
    const upsert = new Table({ ...Object.fromEntries(renamed.schema.names.map((n) => [n, renamed.getChild(n)!])), name: vectorFromArray(['two', 'four'], new Utf8()) });
    const ctx = await load({ table, mode: 'upsert', key: ['id'], method }, upsert);
    expect(ctx.globals.get('row_count')).toBe(2);
    expect((await query(connection, `SELECT id, name FROM \`${table}\` ORDER BY id`)).rows).toEqual([[1, 'p1'], [2, 'two'], [3, expect.stringMatching(/^tab/)], [4, 'four']]);
    await load({ table, mode: 'replace', method }, people([5]));
    expect(await ids(table)).toEqual([5]);
  });

  it('refuses upsert without a unique key on exactly the key columns, naming the fix', async () => {
    const table = name('nokey');
    await query(connection, `CREATE TABLE \`${table}\` (id INT, name TEXT, UNIQUE KEY by_both (id, name(10)))`);
    const error = (await load({ table, mode: 'upsert', key: ['id'] }, new Table({ id: vectorFromArray([1], new Int32()) })).catch((e: unknown) => e)) as ModuleError;
    expect(error).toBeInstanceOf(ModuleError);
    expect(error.message).toBe(`mode upsert on key (id): table \`${db.database}\`.\`${table}\` has no PRIMARY KEY or UNIQUE index on exactly these columns (its unique keys: by_both (id, name))`);
    expect(error.hint).toContain(`ALTER TABLE \`${db.database}\`.\`${table}\` ADD UNIQUE (\`id\`)`);
  });

  it.each(['insert', 'load_data'] as const)('leaves nothing half-written when a row fails, and says why (%s)', async (method) => {
    const table = name(`strict_${method}`);
    await query(connection, `CREATE TABLE \`${table}\` (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, day DATE)`);
    await query(connection, `INSERT INTO \`${table}\` VALUES (100, 'kept', NULL)`);
    const bad = new Table({ id: vectorFromArray([1, 2, 3], new Int32()), name: vectorFromArray(['a', 'b', 'c'], new Utf8()), day: vectorFromArray(['2024-01-02', 'soon', '2024-01-03'], new Utf8()) });
    const error = (await load({ table, mode: 'replace', method, batch_size: 1 }, bad).catch((e: unknown) => e)) as ModuleError;
    expect(error).toBeInstanceOf(ModuleError);
    expect(error.message).toMatch(new RegExp(`^cannot load 3 rows into \`${db.database}\`\\.\`${table}\` \\(nothing was written\\): `));
    expect(error.message).toMatch(method === 'insert' ? /Incorrect date value: 'soon' for column .*day/ : /Data truncated for column 'day' at row 2/);
    expect(error.hint).toMatch(/cast or clean/);
    expect(error.retryable).toBe(false);
    expect((await query(connection, `SELECT id, name FROM \`${table}\``)).rows).toEqual([[100, 'kept']]);
    // A repeated key is refused too, even through LOAD DATA LOCAL (which the server would skip quietly).
    const duplicate = (await load({ table, method }, new Table({ id: vectorFromArray([7, 100], new Int32()), name: vectorFromArray(['x', 'y'], new Utf8()) })).catch((e: unknown) => e)) as ModuleError;
    expect(duplicate.message).toMatch(/Duplicate entry '100'/);
    expect(duplicate.hint).toMatch(/mode: upsert/);
    expect(await ids(table)).toEqual([100]);
  });

  describe('the ledger: each load records itself, so a resumed run never loads twice', () => {
    it('a resumed run skips a load its interrupted run committed, with the recorded count; a new run loads again', async () => {
      const table = name('ledger');
      const first = await load({ table, create_table: true }, people([1, 2, 3]), { runId: `${prefix}-a`, frame: '2' });
      expect(first.globals.get('row_count')).toBe(3);
      const resumed = await load({ table, create_table: true }, people([1, 2, 3]), { runId: `${prefix}-a`, frame: '2' });
      expect(await ids(table)).toEqual([1, 2, 3]);
      expect(resumed.globals.get('row_count')).toBe(3);
      expect(resumed.logs.map((l) => l.msg)).toEqual([expect.stringMatching(new RegExp(`^already loaded: the interrupted run ${prefix}-a committed this load at \\d{4}-.*; not loading it again$`))]);
      await load({ table }, people([4]), { runId: `${prefix}-a`, frame: '3' });
      await load({ table }, people([5]), { runId: `${prefix}-b`, frame: '2' });
      expect(await ids(table)).toEqual([1, 2, 3, 4, 5]);
      const ledger = await execute(connection, 'SELECT run_id, node_key, `rows` FROM pypeline_loads WHERE target LIKE ? ORDER BY run_id, node_key', [`%${table}%`]);
      expect(ledger.rows).toEqual([[`${prefix}-a`, 'load#2', '3'], [`${prefix}-a`, 'load#3', '1'], [`${prefix}-b`, 'load#2', '1']]);
    });

    it('records nothing for a load that failed, so its retry loads', async () => {
      const table = name('ledger_strict');
      await query(connection, `CREATE TABLE \`${table}\` (id INT PRIMARY KEY, big BIGINT, ubig BIGINT UNSIGNED, score DOUBLE, price DECIMAL(12, 3), ok BOOL, name TEXT, day DATE, at DATETIME(6), raw BLOB)`);
      await query(connection, `INSERT INTO \`${table}\` (id) VALUES (2)`);
      await expect(load({ table }, people([1, 2]), { runId: `${prefix}-c` })).rejects.toThrow(/Duplicate entry/);
      await query(connection, `DELETE FROM \`${table}\``);
      const retried = await load({ table }, people([1, 2]), { runId: `${prefix}-c` });
      expect(retried.globals.get('row_count')).toBe(2);
      expect(await ids(table)).toEqual([1, 2]);
    });

    it('two attempts of one load at once: one loads, the other waits for it and skips', async () => {
      const table = name('ledger_racing');
      await load({ table, create_table: true }, people([9]), { runId: `${prefix}-setup` });
      const attempt = () => load({ table }, people([1, 2]), { runId: `${prefix}-d` });
      const both = await Promise.all([attempt(), attempt()]);
      expect(await ids(table)).toEqual([1, 2, 9]);
      expect(both.map((ctx) => ctx.globals.get('row_count'))).toEqual([2, 2]);
      expect(both.flatMap((ctx) => ctx.logs.map((l) => l.msg.split(':')[0])).sort()).toEqual(['already loaded', 'loaded rows']);
    });
  });

  it('check() says whether the table is there and writable, and the key usable', async () => {
    const table = name('checked');
    await query(connection, `CREATE TABLE \`${table}\` (id INT PRIMARY KEY, name TEXT)`);
    const check = (config: Partial<Config>) => mysqlSink.check!({ config: { ...db, table, ...config }, signal: new AbortController().signal } as never);
    expect(await check({ mode: 'replace' })).toMatch(/: table `.*` exists; INSERT and DELETE allowed$/);
    expect(await check({ mode: 'upsert', key: ['id'] })).toMatch(/exists; INSERT allowed$/);
    await expect(check({ mode: 'upsert', key: ['name'] })).rejects.toThrow(/no PRIMARY KEY or UNIQUE index on exactly these columns/);
    await expect(check({ table: `${table}_missing` })).rejects.toThrow(/does not exist/);
    expect(await check({ table: `${table}_missing`, create_table: true })).toMatch(/will be created$/);
  });
}, 60_000);

describe('mysql_sink without a server', () => {
  it('names host:port and the fix when nothing listens there, with nothing written', async () => {
    const ctx = createTestContext<Config>({ config: { host: '127.0.0.1', port: 1, database: 'test', table: 't' }, manifest: MANIFEST, moduleId: 'load' });
    const error = (await mysqlSink.run({ input: new MemoryArtifact(people([1])) }, ctx).catch((e: unknown) => e)) as ModuleError;
    expect(error).toBeInstanceOf(ModuleError);
    expect(error.message).toMatch(/^cannot connect to MySQL at 127\.0\.0\.1:1 \(database "test", user "root"\): .*ECONNREFUSED/);
    expect(error.hint).toMatch(/check host and port/);
  }, 30_000);
});
