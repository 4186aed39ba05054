import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bool, DateDay, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import pg from 'pg';
import { MemoryArtifact, ModuleError } from '@pypeline/sdk';
import { createTestContext, type TestContextOptions } from '@pypeline/sdk/testing';
import { CONNECTION_DEFAULTS } from '@pypeline/postgres';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgresSink from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const db = postgresTestConfig();

const people = (ids: number[]) => new Table({
  id: vectorFromArray(ids, new Int32()),
  big: vectorFromArray(ids.map((i) => BigInt(i) * 10n ** 12n), new Int64()),
  score: vectorFromArray(ids.map((i) => (i === 2 ? null : i + 0.5)), new Float64()),
  ok: vectorFromArray(ids.map((i) => i % 2 === 0), new Bool()),
  name: vectorFromArray(ids.map((i) => (i === 3 ? 'quote " comma , newline \n end' : `p${i}`)), new Utf8()),
  day: vectorFromArray(ids.map((i) => new Date(Date.UTC(2024, 0, i))), new DateDay()),
  at: vectorFromArray(ids.map((i) => new Date(Date.UTC(2024, 0, 1, i, 30))), new TimestampMillisecond()),
});

describe('postgres_sink manifest', () => {
  it('keeps its code defaults equal to the generated manifest, and marks the password secret', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const optional = manifest.config_schema.optional;
    const defaults = Object.fromEntries(Object.entries(optional).filter(([, v]) => 'default' in (v as object)).map(([k, v]) => [k, (v as { default: unknown }).default]));
    expect(defaults).toEqual({ ...CONNECTION_DEFAULTS, ...DEFAULTS });
    expect(optional.password.secret).toBe(true);
  });
});

describeWithService('postgres', 'postgres_sink against PostgreSQL', () => {
  const schema = uniqueName('pype_sink');
  const client = new pg.Client(db);
  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema ${schema}`);
  });
  afterAll(async () => {
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  /** One load; `where` names its run and frame (the same runId plays a resumed run). */
  async function load(config: Partial<Config> & { table: string }, data: Table, where: Partial<TestContextOptions<Config>> = {}) {
    const ctx = createTestContext<Config>({ config: { ...db, schema, ...config }, manifest: MANIFEST, moduleId: 'load', ...where });
    await postgresSink.run({ input: new MemoryArtifact(data) }, ctx);
    return ctx;
  }
  const select = async (table: string) =>
    (await client.query(`select id, big::text, score, ok, name, day::text, (at at time zone 'UTC')::text as at from ${schema}.${table} order by id`)).rows;

  it.each(['copy', 'insert'] as const)('creates the table and loads every type with %s', async (method) => {
    const table = `people_${method}`;
    const ctx = await load({ table, create_table: true, method, batch_size: 2 }, new Table([...people([1, 2]).batches, ...people([3]).batches]));
    expect(await select(table)).toEqual([
      { id: 1, big: '1000000000000', score: 1.5, ok: false, name: 'p1', day: '2024-01-01', at: '2024-01-01 01:30:00' },
      { id: 2, big: '2000000000000', score: null, ok: true, name: 'p2', day: '2024-01-02', at: '2024-01-01 02:30:00' },
      { id: 3, big: '3000000000000', score: 3.5, ok: false, name: 'quote " comma , newline \n end', day: '2024-01-03', at: '2024-01-01 03:30:00' },
    ]);
    const types = await client.query(`select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`, [schema, table]);
    expect(types.rows.map((r) => r.data_type)).toEqual(['integer', 'bigint', 'double precision', 'boolean', 'text', 'date', 'timestamp with time zone']);
    expect(ctx.globals.get('row_count')).toBe(3);
    expect(ctx.globals.get('table')).toBe(`"${schema}"."${table}"`);
  });

  it('eight loads at once into one table none has created yet (a parallel ITERATE): all commit, none collides in the catalog', async () => {
    const frames = Array.from({ length: 8 }, (_, i) => i);
    await Promise.all(frames.map((i) => load({ table: 'racing_create', create_table: true }, people([i * 10 + 1, i * 10 + 2]), { frame: String(i) })));
    expect((await select('racing_create')).map((r) => r.id)).toEqual(frames.flatMap((i) => [i * 10 + 1, i * 10 + 2]));
  });

  it('appends by default and replaces when asked', async () => {
    await load({ table: 'modes', create_table: true }, people([1, 2]));
    await load({ table: 'modes' }, people([3]));
    expect((await select('modes')).map((r) => r.id)).toEqual([1, 2, 3]);
    await load({ table: 'modes', mode: 'replace' }, people([4]));
    expect((await select('modes')).map((r) => r.id)).toEqual([4]);
  });

  it.each(['copy', 'insert'] as const)('upserts on a key: new rows inserted, rows whose key is there updated (%s)', async (method) => {
    const table = `upserted_${method}`;
    await load({ table, create_table: true, key: ['id'], method }, people([1, 2, 3]));
    const changed = people([2, 4]);
    const upsert = new Table({ ...Object.fromEntries(changed.schema.fields.map((f) => [f.name, changed.getChild(f.name as "id")!])), name: vectorFromArray(['two', 'four'], new Utf8()) });
    const ctx = await load({ table, mode: 'upsert', key: ['id'], method }, upsert);
    expect(ctx.globals.get('row_count')).toBe(2);
    expect((await client.query(`select id, name, score from ${schema}.${table} order by id`)).rows).toEqual([
      { id: 1, name: 'p1', score: 1.5 }, { id: 2, name: 'two', score: null }, { id: 3, name: expect.stringMatching(/^quote/), score: 3.5 }, { id: 4, name: 'four', score: 4.5 },
    ]);
    const pk = await client.query(`select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = $1::regclass and i.indisprimary`, [`${schema}.${table}`]);
    expect(pk.rows).toEqual([{ attname: 'id' }]);
  });

  it('refuses an upsert without a unique key on the key columns, or with a key repeated in the input, leaving the table as it was', async () => {
    await client.query(`create table ${schema}.loose (id int, name text)`);
    await client.query(`insert into ${schema}.loose values (1, 'kept')`);
    const rows = new Table({ id: vectorFromArray([1], new Int32()), name: vectorFromArray(['x'], new Utf8()) });
    const noKey = (await load({ table: 'loose', mode: 'upsert', key: ['id'] }, rows).catch((e: unknown) => e)) as ModuleError;
    expect(noKey.message).toBe('mode upsert on key (id): the table has no PRIMARY KEY or UNIQUE index on exactly these columns (nothing was written)');
    expect(noKey.hint).toContain(`CREATE UNIQUE INDEX ON "${schema}"."loose" ("id")`);
    await client.query(`alter table ${schema}.loose add primary key (id)`);
    const twice = new Table({ id: vectorFromArray([5, 5], new Int32()), name: vectorFromArray(['a', 'b'], new Utf8()) });
    const repeated = (await load({ table: 'loose', mode: 'upsert', key: ['id'], method: 'insert' }, twice).catch((e: unknown) => e)) as ModuleError;
    expect(repeated.message).toMatch(/^mode upsert on key \(id\): the input holds one key twice/);
    expect(repeated.hint).toMatch(/distinct_mod/);
    await expect(load({ table: 'loose', mode: 'upsert' }, rows)).rejects.toThrow('mode upsert needs key: the columns a row is matched on');
    await expect(load({ table: 'loose', mode: 'upsert', key: ['nope'] }, rows)).rejects.toThrow('mode upsert: key column "nope" not in the input');
    expect((await client.query(`select id, name from ${schema}.loose`)).rows).toEqual([{ id: 1, name: 'kept' }]);
  });

  it('leaves nothing half-written when a row fails, and says which line and column', async () => {
    await client.query(`create table ${schema}.strict (id int primary key, name text not null)`);
    await client.query(`insert into ${schema}.strict values (100, 'kept')`);
    const bad = new Table({ id: vectorFromArray([1, 2, 3], new Int32()), name: vectorFromArray(['a', null, 'c'], new Utf8()) });
    const error = await load({ table: 'strict', mode: 'replace' }, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toMatch(new RegExp(`^cannot load 3 rows into "${schema}"."strict" \\(nothing was written\\): null value in column "name"`));
    expect((error as ModuleError).message).toMatch(/COPY strict, line 2/);
    expect((error as ModuleError).retryable).toBe(false);
    expect((await client.query(`select id, name from ${schema}.strict`)).rows).toEqual([{ id: 100, name: 'kept' }]);
  });

  it('rolls back a created table too, and explains a value of the wrong type', async () => {
    const text = new Table({ id: vectorFromArray(['1', 'x'], new Utf8()) });
    await client.query(`create table ${schema}.typed (id int)`);
    const error = await load({ table: 'typed' }, text).catch((e: unknown) => e);
    expect((error as ModuleError).message).toMatch(/invalid input syntax for type integer: "x"/);
    expect((error as ModuleError).message).toMatch(/column "id" of .* is integer, but the input's "id" is text/);
    expect((error as ModuleError).hint).toMatch(/select_mod with cast: \{ id: int32 \}/);
    // Types that agree (text into varchar): the value itself is wrong, and the server's words say so.
    await client.query(`create table ${schema}.short (id varchar(1))`);
    const long = (await load({ table: 'short' }, new Table({ id: vectorFromArray(['1', 'xx'], new Utf8()) })).catch((e: unknown) => e)) as ModuleError;
    expect(long.message).toMatch(/value too long for type character varying\(1\)/);
    expect(long.hint).toMatch(/cast or clean/);
    const missing = await load({ table: 'never_created' }, text).catch((e: unknown) => e);
    expect((missing as ModuleError).hint).toMatch(/create_table: true/);
  });

  it.each(['copy', 'insert'] as const)('names the table, column, both types and the fixes when an existing column has another type (%s)', async (method) => {
    const table = `dated_${method}`;
    await client.query(`create table ${schema}.${table} (id int, "the day" date)`);
    const data = new Table({ id: vectorFromArray([1, 2], new Int32()), 'the day': vectorFromArray(['2024-01-02', 'soon'], new Utf8()) });
    const error = (await load({ table, method }, data).catch((e: unknown) => e)) as ModuleError;
    expect(error).toBeInstanceOf(ModuleError);
    expect(error.message).toContain(`cannot load 2 rows into "${schema}"."${table}" (nothing was written): column "the day" of "${schema}"."${table}" is date, but the input's "the day" is text (Arrow Utf8), and a value does not convert: invalid input syntax for type date: "soon"`);
    expect(error.hint).toContain('select_mod with cast: { the day: date }');
    expect(error.hint).toContain(`ALTER TABLE "${schema}"."${table}" ALTER COLUMN "the day" TYPE text`);
    expect(error.hint).toContain('create_table: true');
    expect(error.hint).not.toMatch(/datestyle/);
    expect((await client.query(`select count(*)::int as n from ${schema}.${table}`)).rows[0].n).toBe(0);
  });

  describe('the ledger: each load records itself, so a resumed run never loads twice', () => {
    const idsIn = async (table: string) => (await client.query(`select id from ${schema}.${table} order by id`)).rows.map((r) => r.id);

    it('a resumed run skips a load its interrupted run committed, with the recorded count; a new run loads again', async () => {
      const first = await load({ table: 'ledger_orders', create_table: true }, people([1, 2, 3]), { runId: 'run-a', frame: '2' });
      expect(first.globals.get('row_count')).toBe(3);

      const resumed = await load({ table: 'ledger_orders', create_table: true }, people([1, 2, 3]), { runId: 'run-a', frame: '2' });
      expect(await idsIn('ledger_orders')).toEqual([1, 2, 3]);
      expect(resumed.globals.get('row_count')).toBe(3);
      expect(resumed.globals.get('table')).toBe(`"${schema}"."ledger_orders"`);
      expect(resumed.logs.map((l) => l.msg)).toEqual([expect.stringMatching(/^already loaded: the interrupted run run-a committed this load at .*; not loading it again$/)]);

      // Another frame of the same run, and a fresh run, are loads of their own (append mode).
      await load({ table: 'ledger_orders' }, people([4]), { runId: 'run-a', frame: '3' });
      await load({ table: 'ledger_orders' }, people([5]), { runId: 'run-b', frame: '2' });
      expect(await idsIn('ledger_orders')).toEqual([1, 2, 3, 4, 5]);
      const ledger = await client.query(`select run_id, node_key, target, rows::int from ${schema}.pypeline_loads where target like '%ledger_orders%' order by run_id, node_key`);
      expect(ledger.rows).toEqual([
        { run_id: 'run-a', node_key: 'load#2', target: `"${schema}"."ledger_orders"`, rows: 3 },
        { run_id: 'run-a', node_key: 'load#3', target: `"${schema}"."ledger_orders"`, rows: 1 },
        { run_id: 'run-b', node_key: 'load#2', target: `"${schema}"."ledger_orders"`, rows: 1 },
      ]);
    });

    it('records nothing for a load that failed, so its retry loads', async () => {
      await client.query(`create table ${schema}.ledger_strict (id int primary key, big text, score float8, ok bool, name text, day date, at timestamptz)`);
      await client.query(`insert into ${schema}.ledger_strict (id) values (2)`);
      await expect(load({ table: 'ledger_strict' }, people([1, 2]), { runId: 'run-c' })).rejects.toThrow(/duplicate key/);
      await client.query(`delete from ${schema}.ledger_strict`);
      const retried = await load({ table: 'ledger_strict' }, people([1, 2]), { runId: 'run-c' });
      expect(retried.globals.get('row_count')).toBe(2);
      expect(await idsIn('ledger_strict')).toEqual([1, 2]);
    });

    it('two attempts of one load at once: one loads, the other waits for it and skips', async () => {
      const attempt = () => load({ table: 'ledger_racing', create_table: true }, people([1, 2]), { runId: 'run-d' });
      const both = await Promise.all([attempt(), attempt()]);
      expect(await idsIn('ledger_racing')).toEqual([1, 2]);
      expect(both.map((ctx) => ctx.globals.get('row_count'))).toEqual([2, 2]);
      expect(both.flatMap((ctx) => ctx.logs.map((l) => l.msg.split(':')[0])).sort()).toEqual(['already loaded', 'loaded rows']);
    });

    it('keeps the ledger in ledger_schema when given', async () => {
      await client.query(`create schema ${schema}_meta`);
      try {
        await load({ table: 'ledger_elsewhere', create_table: true, ledger_schema: `${schema}_meta` }, people([7]), { runId: 'run-e' });
        expect((await client.query(`select node_key from ${schema}_meta.pypeline_loads where run_id = 'run-e'`)).rows).toEqual([{ node_key: 'load#0' }]);
      } finally {
        await client.query(`drop schema ${schema}_meta cascade`);
      }
    });

    it('names the ledger table and the fix when the user may not create it', async () => {
      const role = uniqueName('pype_nocreate');
      await client.query(`create role ${role} login`);
      await client.query(`create schema ${schema}_ro`);
      await client.query(`grant usage on schema ${schema}_ro to ${role}`);
      try {
        const error = await load({ table: 'target', user: role, schema: `${schema}_ro` }, people([1])).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ModuleError);
        expect((error as ModuleError).message).toMatch(new RegExp(`^postgres_sink cannot create its ledger table "${schema}_ro"."pypeline_loads", .*permission denied for schema`));
        expect((error as ModuleError).hint).toMatch(/CREATE TABLE IF NOT EXISTS .*pypeline_loads.*GRANT SELECT, INSERT, UPDATE ON .* TO <this user>\. Or set ledger_schema/);
        expect((error as ModuleError).retryable).toBe(false);
      } finally {
        await client.query(`drop schema ${schema}_ro cascade`);
        await client.query(`drop role ${role}`);
      }
    });
  });
}, 60_000);
