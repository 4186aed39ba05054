import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, memorySource, rowsToBatch, runStream, schemaFromSpec, streamApp, tumbling, type Row, type SourceContext, type StreamLogger, type StreamSink, type StreamSource } from '@pypeline/stream';
import postgresSinkModule from '@pypeline/mod-postgres-sink';
import { MemoryArtifact } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import {
  Binary, Bool, DateDay, Float32, Float64, Int16, Int32, Int64, Table, TimestampMicrosecond, TimestampMillisecond, Uint64, Utf8, vectorFromArray, type RecordBatch,
} from 'apache-arrow';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresSink, type PostgresSinkOptions } from './postgres.js';

const db = postgresTestConfig();
const EVENTS = { sensor: 'string', ts: 'timestamp', value: 'float64' } as const;
const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;

const AT = Date.UTC(2024, 0, 31, 10, 0, 0, 500);

/** One row of every type the two sinks map, for comparing the tables they create. */
const EVERY_TYPE = new Table({
  small: vectorFromArray([7], new Int16()),
  int: vectorFromArray([70_000], new Int32()),
  big: vectorFromArray([10n ** 12n], new Int64()),
  huge: vectorFromArray([2n ** 63n + 1n], new Uint64()),
  real: vectorFromArray([1.5], new Float32()),
  double: vectorFromArray([0.1], new Float64()),
  ok: vectorFromArray([true], new Bool()),
  name: vectorFromArray(['ann'], new Utf8()),
  day: vectorFromArray([new Date(Date.UTC(2024, 0, 31))], new DateDay()),
  at_utc: vectorFromArray([AT], new TimestampMillisecond()),
  at_paris: vectorFromArray([AT], new TimestampMicrosecond('Europe/Paris')),
  bytes: vectorFromArray([new Uint8Array([1, 255])], new Binary()),
});

/** Minute k holds k + 1 events of sensor a and 2 of sensor b: one batch per minute. */
function minuteBatches(minutes: number): RecordBatch[] {
  return Array.from({ length: minutes }, (_, k) => {
    const rows: Row[] = [];
    for (let i = 0; i <= k; i++) rows.push({ sensor: 'a', ts: T0 + k * MINUTE + i * 1000, value: i });
    rows.push({ sensor: 'b', ts: T0 + k * MINUTE, value: 1 }, { sensor: 'b', ts: T0 + k * MINUTE + 30_000, value: 2 });
    return rowsToBatch(rows, schemaFromSpec(EVENTS));
  });
}

const expectedCounts = (minutes: number) => Array.from({ length: minutes }, (_, k) => [
  { sensor: 'a', window_start: new Date(T0 + k * MINUTE).toISOString(), n: String(k + 1) },
  { sensor: 'b', window_start: new Date(T0 + k * MINUTE).toISOString(), n: '2' },
]).flat().sort((x, y) => x.sensor.localeCompare(y.sensor) || x.window_start.localeCompare(y.window_start));

/**
 * Yields one batch, then waits for the next checkpoint before the next one, so that each
 * checkpoint holds new rows. Its position is the number of batches read.
 */
function steppedSource(batches: RecordBatch[]): StreamSource & { checkpointed(): void } {
  let ctx: SourceContext;
  let wake: (() => void) | undefined;
  return {
    kind: 'stepped',
    open(c) {
      ctx = c;
    },
    checkpointed: () => wake?.(),
    async *batches() {
      for (let i = typeof ctx.position === 'number' ? ctx.position : 0; i < batches.length; i++) {
        yield { batch: batches[i], position: i + 1 };
        await new Promise<void>((resolve) => {
          wake = resolve;
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        if (ctx.signal.aborted) return;
      }
    },
    close() {},
  };
}

/** The process "dies" at checkpoint `id`: before its sink commits, or after (before the runner applies it). */
function crashAt(sink: StreamSink, id: number, when: 'before-commit' | 'after-commit'): StreamSink {
  return {
    ...sink,
    async commit(cp) {
      if (cp === id && when === 'after-commit') await sink.commit!(cp);
      if (cp === id) throw new Error(`simulated crash at checkpoint ${cp}`);
      await sink.commit!(cp);
    },
  };
}

describeWithService('postgres', 'postgresSink against PostgreSQL', () => {
  const schema = uniqueName('pype_stream');
  const client = new pg.Client(db);
  const dirs: string[] = [];
  const stateDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'pype-pg-sink-'));
    dirs.push(d);
    return d;
  };
  const sink = (table: string, more: Partial<PostgresSinkOptions> = {}) => postgresSink({ connection: db, schema, table, createTable: true, ...more });
  const counts = async (table: string) =>
    (await client.query(`SELECT sensor, to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS window_start, n::text AS n FROM ${schema}.${table} ORDER BY sensor, window_start`)).rows;
  const countApp = (name: string, source: StreamSource, to: StreamSink) => {
    const app = streamApp(name, { checkpointInterval: '40ms' });
    app.source('events', source, { eventTime: 'ts' }).keyBy('sensor').window(tumbling('1m')).aggregate({ n: count() }, { name: 'counts' }).to(to, { name: 'pg' });
    return app;
  };

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('writes keyed tumbling counts to a table it creates: int64 counts as bigint, window bounds as timestamptz', async () => {
    const app = countApp('pg_counts', memorySource(minuteBatches(4)), sink('counts', { mode: 'upsert', key: ['sensor', 'window_start'] }));
    const result = await runStream(app, { stateDir: stateDir(), fsync: false });
    expect(result.reason).toBe('ended');
    expect(await counts('counts')).toEqual(expectedCounts(4));
    const types = await client.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'counts' ORDER BY ordinal_position`, [schema]);
    expect(types.rows).toEqual([
      { column_name: 'sensor', data_type: 'text' },
      { column_name: 'window_start', data_type: 'timestamp with time zone' },
      { column_name: 'window_end', data_type: 'timestamp with time zone' },
      { column_name: 'n', data_type: 'bigint' },
    ]);
    const commit = await client.query(`SELECT checkpoint_id::int AS id FROM ${schema}.pypeline_stream_commits WHERE app = 'pg_counts' AND sink = 'pg'`);
    expect(commit.rows).toEqual([{ id: result.lastCheckpoint }]);
  });

  it('keeps rows of an open transaction invisible, loses them when the connection dies, and commits them with the checkpoint id', async () => {
    const batch = rowsToBatch([{ id: 1, name: 'x' }, { id: 2, name: 'y' }], schemaFromSpec({ id: 'int64', name: 'string' }));
    const rowsIn = async () => (await client.query(`SELECT id::int, name FROM ${schema}.protocol ORDER BY id`)).rows;
    const logs: string[] = [];
    const opened = async () => {
      const s = sink('protocol');
      await s.open({ id: 'pg', app: 'proto', log: (_level, message) => logs.push(message) });
      return s;
    };

    const first = await opened();
    await first.write(batch);
    await first.flush();
    expect(await rowsIn()).toEqual([]);
    // The process dies: the server sees its connection end and rolls the transaction back.
    const killed = await client.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE $1`, [`%${schema}"."protocol"%`]);
    expect(killed.rows).toEqual([{ ok: true }]);
    await first.close();
    expect(await rowsIn()).toEqual([]);

    const second = await opened();
    expect(await second.isCommitted!(1)).toBe(false);
    await second.write(batch);
    await second.flush();
    expect(await rowsIn()).toEqual([]);
    await second.commit!(1);
    expect(await rowsIn()).toEqual([{ id: 1, name: 'x' }, { id: 2, name: 'y' }]);
    expect(await second.isCommitted!(1)).toBe(true);
    expect(await second.isCommitted!(2)).toBe(false);
    // A commit record later than the checkpoint asked about belongs to another state folder.
    await second.commit!(5);
    expect(await second.isCommitted!(3)).toBe(false);
    expect(logs.at(-1)).toMatch(/records checkpoint 5 for app "proto", later than checkpoint 3 being recovered: was the state folder deleted or replaced/);
    await second.close();
  });

  it.each(['before-commit', 'after-commit'] as const)('writes every window count exactly once in append mode when a run dies at a checkpoint %s and the next run recovers', async (when) => {
    const table = `recover_${when.replace('-', '_')}`;
    const dir = stateDir();
    const logs: string[] = [];
    const log: StreamLogger = (_level, message) => logs.push(message);
    const run = async (to: StreamSink) => {
      const source = steppedSource(minuteBatches(6));
      return runStream(countApp('pg_recover', source, to), { stateDir: dir, fsync: false, log, onCheckpoint: () => source.checkpointed() });
    };

    await expect(run(crashAt(sink(table), 3, when))).rejects.toThrow(/simulated crash at checkpoint 3/);
    const committed = await counts(table);
    expect(committed.length).toBeGreaterThan(0);
    // What checkpoints 1 and 2 committed: correct counts, none twice.
    expect(committed).toEqual(expectedCounts(6).filter((r) => committed.some((c) => c.sensor === r.sensor && c.window_start === r.window_start)));

    const second = await run(sink(table));
    expect(second.reason).toBe('ended');
    expect(logs.join('\n')).toMatch(when === 'before-commit' ? /discarded checkpoint 3/ : /finished checkpoint 3/);
    expect(await counts(table)).toEqual(expectedCounts(6));

    // A third run over the same state finds nothing new to write.
    await run(sink(table));
    expect(await counts(table)).toEqual(expectedCounts(6));
  });

  it('commits each flush on its own when exactlyOnce is false', async () => {
    const s = sink('at_least_once', { exactlyOnce: false });
    expect(s.commit).toBeUndefined();
    expect(s.isCommitted).toBeUndefined();
    await s.open({ id: 'pg', app: 'alo', log: () => {} });
    await s.write(rowsToBatch([{ id: 7 }], schemaFromSpec({ id: 'int32' })));
    await s.flush();
    expect((await client.query(`SELECT id FROM ${schema}.at_least_once`)).rows).toEqual([{ id: 7 }]);
    await s.close();
  });

  it('says which table is missing, which column the table lacks, and that upsert needs a unique key', async () => {
    const ctx = { id: 'pg', app: 'errors', log: () => {} };
    await expect(Promise.resolve(postgresSink({ connection: db, schema, table: 'nope' }).open(ctx))).rejects.toThrow(`table "${schema}"."nope" does not exist in database "test": create it, or set createTable: true`);

    await client.query(`CREATE TABLE ${schema}.narrow (id int PRIMARY KEY)`);
    const narrow = postgresSink({ connection: db, schema, table: 'narrow' });
    await narrow.open(ctx);
    await expect(Promise.resolve(narrow.write(rowsToBatch([{ id: 1, extra: 2 }], schemaFromSpec({ id: 'int32', extra: 'int64' })))))
      .rejects.toThrow(`the stream has column "extra" that the table lacks (its columns: id): ALTER TABLE "${schema}"."narrow" ADD COLUMN "extra" bigint`);
    await narrow.close();

    await client.query(`CREATE TABLE ${schema}.nokey (id int, v int)`);
    await expect(Promise.resolve(postgresSink({ connection: db, schema, table: 'nokey', mode: 'upsert', key: ['id'] }).open(ctx)))
      .rejects.toThrow(`has no primary key or unique index on (id), which upsert needs: ALTER TABLE "${schema}"."nokey" ADD PRIMARY KEY ("id")`);
    expect(() => postgresSink({ connection: db, table: 't', mode: 'upsert' })).toThrow(/needs key/);
  });

  it('names the column, both types and the fixes when the table refuses a value, as the batch sink does', async () => {
    await client.query(`CREATE TABLE ${schema}.typed (id int, day date)`);
    const typed = postgresSink({ connection: db, schema, table: 'typed' });
    await typed.open({ id: 'pg', app: 'typed', log: () => {} });
    await typed.write(rowsToBatch([{ id: 1, day: '2024-01-31' }, { id: 2, day: 'soon' }], schemaFromSpec({ id: 'int32', day: 'string' })));
    const failure = await Promise.resolve(typed.flush()).then(() => null, (e: Error) => e);
    expect(failure?.message).toMatch(new RegExp(`^postgres sink "pg" \\("${schema}"\\."typed"\\): cannot write 2 rows: column "day" of "${schema}"\\."typed" is date, but the input's "day" is text \\(Arrow Utf8\\), and a value does not convert: invalid input syntax for type date: "soon"`));
    expect(failure?.message).toMatch(/select_mod with cast: \{ day: date \}.*ALTER TABLE .* ALTER COLUMN "day" TYPE text/);
    await typed.close();
    expect((await client.query(`SELECT count(*)::int AS n FROM ${schema}.typed`)).rows).toEqual([{ n: 0 }]);
  });

  it('says where the server was expected and how to fix it when it is down', async () => {
    const down = postgresSink({ connection: `postgres://postgres@127.0.0.1:1/test`, table: 't' });
    await expect(Promise.resolve(down.open({ id: 'pg', app: 'down', log: () => {} })))
      .rejects.toThrow(/cannot connect to PostgreSQL at 127\.0\.0\.1:1 .*ECONNREFUSED.*check host and port, and that PostgreSQL is running/s);
  });

  const columns = async (name: string) =>
    (await client.query(`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, [schema, name])).rows;
  const rows = async (name: string) => (await client.query(`SELECT to_jsonb(t) AS row FROM ${schema}.${name} t`)).rows;

  // The batch postgres_sink and this sink create tables from one type map (pgTypeOf of @pypeline/postgres).
  it('creates the same column types as the batch postgres_sink from the same Arrow schema, and stores the same values', async () => {
    const ctx = createTestContext({ config: { ...db, schema, table: 'from_batch', create_table: true } });
    await postgresSinkModule.run({ input: new MemoryArtifact(EVERY_TYPE) }, ctx);

    const sink = postgresSink({ connection: db, schema, table: 'from_stream', createTable: true, exactlyOnce: false });
    await sink.open({ id: 'pg', app: 'types', log: () => {} });
    try {
      for (const batch of EVERY_TYPE.batches) await sink.write(batch);
      await sink.flush();
    } finally {
      await sink.close();
    }

    const batchColumns = await columns('from_batch');
    expect(batchColumns).toEqual([
      { name: 'small', type: 'smallint' },
      { name: 'int', type: 'integer' },
      { name: 'big', type: 'bigint' },
      { name: 'huge', type: 'numeric' },
      { name: 'real', type: 'real' },
      { name: 'double', type: 'double precision' },
      { name: 'ok', type: 'boolean' },
      { name: 'name', type: 'text' },
      { name: 'day', type: 'date' },
      // One rule for both sinks: a timestamp without a zone means UTC, so it is an instant too.
      { name: 'at_utc', type: 'timestamp with time zone' },
      { name: 'at_paris', type: 'timestamp with time zone' },
      { name: 'bytes', type: 'bytea' },
    ]);
    expect(await columns('from_stream')).toEqual(batchColumns);
    const stored = await rows('from_batch');
    expect(stored).toHaveLength(1);
    expect(await rows('from_stream')).toEqual(stored);
    const instants = await client.query(`SELECT (extract(epoch FROM at_utc) * 1000)::bigint::text AS utc, (extract(epoch FROM at_paris) * 1000)::bigint::text AS paris FROM ${schema}.from_stream`);
    expect(instants.rows[0]).toEqual({ utc: String(AT), paris: String(AT) });
  }, 60_000);
}, 90_000);
