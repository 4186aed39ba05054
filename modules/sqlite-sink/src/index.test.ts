import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Bool, DateDay, Field, Float64, Int32, Int64, List, Schema, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError } from '@pypeline/sdk';
import { createTestContext, outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import sqliteSink from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const newDb = () => join(mkdtempSync(join(tmpdir(), 'sqlite-sink-')), 'sub', 'out.db');

const table = new Table({
  id: vectorFromArray([1, 2, 3], new Int32()),
  big: vectorFromArray([9007199254740993n, null, -(2n ** 63n)], new Int64()),
  score: vectorFromArray([0.5, null, Number.NaN], new Float64()),
  ok: vectorFromArray([true, false, null], new Bool()),
  day: vectorFromArray([new Date(Date.UTC(2024, 1, 29)), null, new Date(Date.UTC(1999, 11, 31))], new DateDay()),
  at: vectorFromArray([Date.UTC(2024, 0, 31, 8, 30, 15, 250), null, 0], new TimestampMillisecond('UTC')),
  name: vectorFromArray(['a', "it's \"quoted\"", null], new Utf8()),
});

async function load(config: Config, data: Table = table, runId?: string) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'load', runId });
  await sqliteSink.run({ input: new MemoryArtifact(data) }, ctx);
  return ctx;
}

function query(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).safeIntegers(true).all();
  } finally {
    db.close();
  }
}

describe('sqlite_sink', () => {
  it('marks database a path for settings.allowed_root', () => {
    expect(JSON.parse(readFileSync(MANIFEST, 'utf8')).json_schema.properties.database.format).toBe('path');
  });

  it('creates the table from the input with declared types and loads exact values', async () => {
    const database = newDb();
    const ctx = await load({ database, table: 'my "orders"', mode: 'create', batch_size: 2 });
    expect(query(database, `SELECT name, type FROM pragma_table_info('my "orders"')`)).toEqual([
      { name: 'id', type: 'INTEGER' }, { name: 'big', type: 'INTEGER' }, { name: 'score', type: 'REAL' }, { name: 'ok', type: 'BOOLEAN' },
      { name: 'day', type: 'DATE' }, { name: 'at', type: 'TIMESTAMP' }, { name: 'name', type: 'TEXT' },
    ]);
    expect(query(database, 'SELECT * FROM "my ""orders""" ORDER BY id')).toEqual([
      { id: 1n, big: 9007199254740993n, score: 0.5, ok: 1n, day: '2024-02-29', at: '2024-01-31 08:30:15.250', name: 'a' },
      { id: 2n, big: null, score: null, ok: 0n, day: null, at: null, name: "it's \"quoted\"" },
      { id: 3n, big: -(2n ** 63n), score: null, ok: null, day: '1999-12-31', at: '1970-01-01 00:00:00.000', name: null },
    ]);
    expect(ctx.globals.get('row_count')).toBe(3);
    await expect(load({ database, table: 'my "orders"', mode: 'create' })).rejects.toThrow(/table my "orders" already exists, and mode create makes a new one/);
  });

  it('appends, replaces, and upserts on a key, updating the rows already there', async () => {
    const database = newDb();
    await load({ database, table: 't', mode: 'upsert', key: ['id'] });
    const changed = new Table({ id: vectorFromArray([3, 4], new Int32()), name: vectorFromArray(['three', 'four'], new Utf8()) });
    await load({ database, table: 't', mode: 'upsert', key: ['id'] }, changed);
    expect(query(database, 'SELECT id, name, big IS NULL AS kept FROM t ORDER BY id')).toEqual([
      { id: 1n, name: 'a', kept: 0n }, { id: 2n, name: "it's \"quoted\"", kept: 1n }, { id: 3n, name: 'three', kept: 0n }, { id: 4n, name: 'four', kept: 1n },
    ]);
    await load({ database, table: 't', mode: 'append' }, new Table({ id: vectorFromArray([5], new Int32()) }));
    expect(query(database, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 5n }]);
    await load({ database, table: 't', mode: 'replace' }, changed);
    expect(query(database, 'SELECT * FROM t ORDER BY id')).toEqual([{ id: 3n, name: 'three' }, { id: 4n, name: 'four' }]);
  });

  it('leaves the table as it was when a load fails part way, and says why', async () => {
    const database = newDb();
    await load({ database, table: 't', mode: 'create', key: ['id'] });
    const clash = new Table({ id: vectorFromArray([10, 11, 1], new Int32()) });
    const failed = load({ database, table: 't', mode: 'append', batch_size: 1 }, clash);
    await expect(failed).rejects.toThrow(ModuleError);
    await expect(failed).rejects.toThrow(/cannot load into table t .*\(nothing was written\): UNIQUE constraint failed: t.id/);
    await expect(failed).rejects.toMatchObject({ hint: expect.stringContaining('use mode upsert with key') });
    expect(query(database, 'SELECT id FROM t ORDER BY id')).toEqual([{ id: 1n }, { id: 2n }, { id: 3n }]);
    // replace that fails keeps the old table too: the DROP is in the same transaction.
    await expect(load({ database, table: 't', mode: 'replace', key: ['id'] }, new Table({ id: vectorFromArray([7, 7], new Int32()) }))).rejects.toThrow(/UNIQUE/);
    expect(query(database, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 3n }]);
  });

  it('does not load twice when a resumed run reaches a load that committed', async () => {
    const database = newDb();
    // mode create too: the resumed attempt finds its own table, and is not refused for it.
    const first = await load({ database, table: 't', mode: 'create' }, table, 'run-1');
    const again = await load({ database, table: 't', mode: 'create' }, table, 'run-1');
    expect(query(database, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 3n }]);
    expect(again.globals.get('row_count')).toBe(3);
    expect(again.logs.some((l) => l.msg.startsWith('already loaded'))).toBe(true);
    expect(first.logs.some((l) => l.msg.startsWith('already loaded'))).toBe(false);
  });

  it('lists every problem at once, from the options, the input and the table', async () => {
    const database = newDb();
    await load({ database, table: 't', mode: 'create' });
    const nested = new Table({ id: vectorFromArray([1], new Int32()), tags: vectorFromArray([['a']], new List(new Field('item', new Utf8(), true))) });
    await expect(load({ database, table: 't', mode: 'upsert', batch_size: 0 }, nested)).rejects.toThrow(
      /mode upsert needs key.*batch_size must be a whole number of at least 1, got 0.*cannot write nested columns: tags \(List<Utf8>\)/,
    );
    const input = new Schema([new Field('id', new Int32(), true), new Field('extra', new Utf8(), true)]);
    const result = await outputSchemasOf(sqliteSink, { database, table: 't', mode: 'upsert', key: ['id', 'nope'] }, { input });
    expect(result.problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual(['key: key names "nope", which is not an input column']);
    const onTable = await outputSchemasOf(sqliteSink, { database, table: 't', mode: 'upsert', key: ['id'] }, { input });
    expect(onTable.problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'table: input column "extra" is not a column of t',
      'key: table t has no PRIMARY KEY or UNIQUE index on (id), which upsert needs to find the rows to update',
    ]);
    await expect(sqliteSink.check!({ config: { database, table: 't', mode: 'upsert' }, signal: new AbortController().signal })).rejects.toThrow(/needs key/);
  });
});
