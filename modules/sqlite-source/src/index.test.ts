import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { RecordBatch } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';
import { createTestContext, outputSchemasOf, runModule } from '@pypeline/sdk/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import sqliteSource from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sqlite-source-'));
const database = join(dir, 'shop.db');

const read = (config: Omit<Config, 'database'>) => runModule(sqliteSource, { config: { database, ...config }, manifest: MANIFEST, moduleId: 'q' });
const types = (t: { schema: { fields: { name: string; type: unknown }[] } }) => t.schema.fields.map((f) => `${f.name}:${f.type}`);

beforeAll(() => {
  const db = new Database(database);
  db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, big BIGINT, region VARCHAR(10), amount REAL, price DECIMAL(10,2), paid BOOLEAN, day DATE, at DATETIME, note TEXT, raw BLOB, anything)`);
  const insert = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  insert.run(1, 9007199254740993n, 'north', 1.5, 10.25, 1, '2024-02-29', '2024-01-31 08:30:15.250', 'first', Buffer.from([1, 2, 3]), 7);
  insert.run(2, -1, 'south', null, 3, 0, null, '2024-01-31T10:00:00Z', null, null, 8);
  insert.run(3, null, 'north', 2, 0.5, null, '1999-12-31', null, 'third', null, 9);
  db.exec(`CREATE TABLE messy (n INTEGER)`);
  db.prepare('INSERT INTO messy VALUES (?)').run('not a number');
  db.exec(`CREATE TABLE big (i INTEGER, s TEXT)`);
  db.exec(`WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 25000) INSERT INTO big SELECT i, 'row ' || i FROM r`);
  db.close();
});

describe('sqlite_source', () => {
  it('marks database a path for settings.allowed_root', () => {
    expect(JSON.parse(readFileSync(MANIFEST, 'utf8')).json_schema.properties.database.format).toBe('path');
  });

  // `anything` has no declared type: its values were bound as JavaScript numbers, so SQLite keeps REALs.
  it('types columns by their declared types (64-bit exact) and expressions by their values', async () => {
    const { outputs, ctx } = await read({ query: 'SELECT *, id * 2 AS twice, amount / 2 AS half, upper(region) AS shout FROM orders ORDER BY id' });
    expect(types(outputs.data)).toEqual([
      'id:Int64', 'big:Int64', 'region:Utf8', 'amount:Float64', 'price:Float64', 'paid:Bool', 'day:Date32<DAY>', 'at:Timestamp<MILLISECOND, UTC>', 'note:Utf8', 'raw:Binary', 'anything:Float64',
      'twice:Int64', 'half:Float64', 'shout:Utf8',
    ]);
    const rows = outputs.data.toArray().map((r) => r.toJSON());
    expect(rows[0]).toMatchObject({ id: 1n, big: 9007199254740993n, region: 'north', amount: 1.5, price: 10.25, paid: true, day: Date.UTC(2024, 1, 29), at: Date.UTC(2024, 0, 31, 8, 30, 15, 250), note: 'first', twice: 2n, half: 0.75, shout: 'NORTH' });
    expect([...(rows[0].raw as Uint8Array)]).toEqual([1, 2, 3]);
    expect(rows[1]).toMatchObject({ big: -1n, amount: null, paid: false, day: null, at: Date.UTC(2024, 0, 31, 10), note: null, raw: null, half: null });
    expect(ctx.globals.get('row_count')).toBe(3);
  });

  it('binds ? in order and $n by number, and columns overrides a type', async () => {
    const byQ = await read({ query: 'SELECT id FROM orders WHERE region = ? AND id > ? ORDER BY id', params: ['north', 1] });
    expect(byQ.outputs.data.getChild('id')!.toArray()).toEqual(new BigInt64Array([3n]));
    const byN = await read({ query: "SELECT id, '$1 in a string' AS s FROM orders WHERE id >= $2 AND region = $1 ORDER BY id", params: ['north', 1], columns: { id: 'utf8' } });
    expect(byN.outputs.data.toArray().map((r) => r.toJSON())).toEqual([{ id: '1', s: '$1 in a string' }, { id: '3', s: '$1 in a string' }]);
  });

  it('streams in batches of batch_size', async () => {
    const ctx = createTestContext<Config>({ config: { database, query: 'SELECT i, s, i % 7 AS m FROM big ORDER BY i', batch_size: 10_000 }, manifest: MANIFEST, moduleId: 'q' });
    const out = (await sqliteSource.run({}, ctx)) as { data: AsyncIterable<RecordBatch> };
    const sizes: number[] = [];
    for await (const batch of out.data) sizes.push(batch.numRows);
    expect(sizes).toEqual([10_000, 10_000, 5_000]);
    expect(ctx.globals.get('row_count')).toBe(25_000);
  });

  it('names the row, column and fix for a value its column type does not take', async () => {
    await expect(read({ query: 'SELECT n FROM messy' })).rejects.toThrow(/row 1 of the query: the text "not a number" does not fit column "n", whose type int64 was from its declared type INTEGER/);
  });

  it('says what is wrong with a missing file, a file that is no database, and a bad query', async () => {
    const missing = runModule(sqliteSource, { config: { database: join(dir, 'nope.db'), query: 'select 1' }, manifest: MANIFEST });
    await expect(missing).rejects.toThrow(ModuleError);
    await expect(missing).rejects.toThrow(/nope.db does not exist/);
    const text = join(dir, 'text.db');
    writeFileSync(text, 'hello, not a database, but long enough to have a header of some kind.............................................');
    await expect(runModule(sqliteSource, { config: { database: text, query: 'select 1' }, manifest: MANIFEST })).rejects.toThrow(/cannot open .*text.db as a SQLite database/);
    await expect(read({ query: 'SELECT * FROM nowhere' })).rejects.toThrow(/query does not prepare: no such table: nowhere/);
    await expect(read({ query: 'DELETE FROM orders' })).rejects.toThrow(/returns none/);
    await expect(read({ query: 'SELECT id, id FROM orders' })).rejects.toThrow(/two columns named "id"/);
    await expect(sqliteSource.check!({ config: { database, query: 'SELECT * FROM nowhere' }, signal: new AbortController().signal })).rejects.toThrow(/no such table/);
    await expect(sqliteSource.check!({ config: { database, query: 'SELECT * FROM orders' }, signal: new AbortController().signal })).resolves.toMatch(/readable.*the query runs/);
  });

  it('lists every config problem, and gives the schema before the run', async () => {
    const bad = await outputSchemasOf(sqliteSource, { database, query: ' ', batch_size: 0 });
    expect(bad.problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual(['batch_size: batch_size must be a whole number of at least 1, got 0', 'query: query is empty']);
    const good = await outputSchemasOf(sqliteSource, { database, query: 'SELECT id, note FROM orders', columns: { nope: 'utf8' } });
    expect(types({ schema: good.outputs!.data } as never)).toEqual(['id:Int64', 'note:Utf8']);
    expect(good.problems?.map((p) => p.message)).toEqual(['columns names "nope", which the query does not return']);
  });
});
