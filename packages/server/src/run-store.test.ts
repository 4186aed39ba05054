import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PypeEvent } from '@pypeline/core';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import { connect } from '@pypeline/postgres';
import Database from 'better-sqlite3';
import { PostgresRunStore } from './postgres-run-store.js';
import type { RunStore, StoredRun } from './run-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';

const run = (id: string, extra: Partial<StoredRun> = {}): StoredRun => ({
  id, job: 'j', jobDir: '/jobs/j', status: 'queued', contextName: 'default', context: { n: 1 }, createdAt: '2026-01-01T00:00:00.000Z', errors: [], ...extra,
});
const event = (msg: string): PypeEvent => ({ type: 'log', level: 'info', msg, runId: 'x', time: 1 });
const msgs = (events: PypeEvent[]) => events.map((e) => (e.type === 'log' ? e.msg : e.type));

/** What every run store must do, whatever keeps the runs: `open` opens the same store again each time. */
function runStoreContract(open: () => Promise<RunStore>): void {
  it('keeps runs and their events across a reopen', async () => {
    const store = await open();
    await store.add(run('r1', { uploadDir: '/up/r1' }));
    await store.add(run('r2'));
    await store.update({ ...run('r1'), status: 'running', runId: 'e1', startedAt: 'then', durationMs: 12, uploadDir: '/up/r1' }, true);
    await store.addEvent('r1', 0, event('zero'));
    await store.addEvent('r1', 1, event('one'));
    await store.close();

    const again = await open();
    expect(await again.get('r1')).toEqual({ ...run('r1'), status: 'running', runId: 'e1', startedAt: 'then', durationMs: 12, uploadDir: '/up/r1' });
    expect(msgs(await again.events('r1'))).toEqual(['zero', 'one']);
    expect(msgs(await again.events('r1', 1))).toEqual(['one']);
    expect((await again.unfinished()).map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(await again.counts()).toMatchObject({ queued: 1, running: 1, success: 0 });
    expect(await again.get('nope')).toBeUndefined();
    await again.close();
  });

  it('forgets the oldest finished runs past `keep`, with their events, never an unfinished one', async () => {
    const store = await open();
    for (const id of ['a', 'b', 'c', 'd']) await store.add(run(`f${id}`, id === 'b' ? {} : { status: 'success', finishedAt: 'done' }));
    await store.addEvent('fa', 0, event('a'));
    await store.forgetFinished(2);
    expect(await Promise.all(['fa', 'fb', 'fc', 'fd'].map(async (id) => (await store.get(id))?.id))).toEqual([undefined, 'fb', 'fc', 'fd']);
    expect(await store.events('fa')).toEqual([]);
    await store.close();
  });

  it('lists a job\'s runs newest first, at most `limit`', async () => {
    const store = await open();
    for (const [id, job] of [['la', 'x'], ['lb', 'y'], ['lc', 'x'], ['ld', 'x']]) await store.add(run(id, { job }));
    expect((await store.list({ job: 'x', limit: 2 })).map((r) => r.id)).toEqual(['ld', 'lc']);
    expect((await store.list({ job: 'y', limit: 10 })).map((r) => [r.id, r.job])).toEqual([['lb', 'y']]);
    expect((await store.list({ limit: 3 })).map((r) => r.id)).toEqual(['ld', 'lc', 'lb']);
    expect(await store.list({ job: 'none', limit: 5 })).toEqual([]);
    await store.close();
  });

  it('belongs to one server at a time: a second opener is told who holds it and what to do', async () => {
    const store = await open();
    await expect(open()).rejects.toThrow(/run store .* is in use by another process/);
    await store.close();
    await (await open()).close();
  });

  it('saves a triggered run with its fire at once, and never a second run for the same fire, also after a reopen', async () => {
    const store = await open();
    const trigger = { kind: 'cron' as const, id: 'nightly', tick: '2026-01-02T02:00:00.000Z' };
    const fire = (runId: string, key = trigger.tick) => ({ job: 'j', trigger: 'nightly', key, run: runId, firedAt: '2026-01-02T02:00:01.000Z' });
    expect(await store.armedSince('j', 'nightly', '2026-01-01T00:00:00.000Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(await store.armedSince('j', 'nightly', '2026-01-05T00:00:00.000Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(await store.addTriggered(run('t1', { trigger, durationMs: 3 }), fire('t1'))).toBe(true);
    expect(await store.addTriggered(run('t2', { trigger }), fire('t2'))).toBe(false);
    await store.close();
    const again = await open();
    expect(await again.addTriggered(run('t3', { trigger }), fire('t3'))).toBe(false);
    expect(await again.get('t1')).toEqual(run('t1', { trigger, durationMs: 3 }));
    expect(await again.get('t2')).toBeUndefined();
    expect(await again.get('t3')).toBeUndefined();
    expect(await again.addTriggered(run('t4', { trigger: { ...trigger, tick: 'next' } }), fire('t4', 'next'))).toBe(true);
    expect(await again.lastFire('j', 'nightly')).toEqual(fire('t4', 'next'));
    expect(await again.firedKeys('j', 'nightly', [trigger.tick, 'next', 'other'])).toEqual(new Set([trigger.tick, 'next']));
    expect(await again.lastFire('j', 'other')).toBeUndefined();
    await again.close();
  });

  it('keeps the order of many writes issued without waiting', async () => {
    const store = await open();
    await store.add(run('burst'));
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.addEvent('burst', i, event(String(i)))));
    expect(msgs(await store.events('burst'))).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    await store.close();
  });
}

describe('SqliteRunStore', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'pype-store-')), 'state', 'runs.db');
  runStoreContract(async () => new SqliteRunStore(file));

  it('opens a store written before triggers (version 1): its runs stay, and triggered runs can be added', async () => {
    const old = join(mkdtempSync(join(tmpdir(), 'pype-store-')), 'runs.db');
    const db = new Database(old);
    db.exec(`CREATE TABLE runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, job TEXT NOT NULL, job_dir TEXT NOT NULL, status TEXT NOT NULL, run_id TEXT,
      context_name TEXT NOT NULL, context TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, duration_ms INTEGER, errors TEXT NOT NULL, upload_dir TEXT,
      resume INTEGER NOT NULL DEFAULT 0);
      INSERT INTO runs (id, job, job_dir, status, context_name, context, created_at, errors) VALUES ('v1run', 'j', '/jobs/j', 'queued', 'default', '{"n":1}', '2026-01-01T00:00:00.000Z', '[]');
      PRAGMA user_version = 1;`);
    db.close();
    const store = new SqliteRunStore(old);
    expect(await store.get('v1run')).toEqual(run('v1run'));
    const trigger = { kind: 'job_success' as const, id: 'after', tick: 'v1run' };
    expect(await store.addTriggered(run('v2run', { trigger }), { job: 'j', trigger: 'after', key: 'v1run', run: 'v2run', firedAt: 'now' })).toBe(true);
    expect((await store.get('v2run'))?.trigger).toEqual(trigger);
    await store.close();
  });

  it('names the file and the fix when it cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-store-'));
    expect(() => new SqliteRunStore(dir)).toThrow(expect.objectContaining({ message: expect.stringMatching(/cannot open the run store/), hint: expect.stringMatching(/--db <file>/) }));
  });
});

describeWithService('postgres', 'PostgresRunStore', () => {
  const { host, port, user, database } = postgresTestConfig();
  const schema = uniqueName('pype_store');
  const url = `postgres://${user}@${host}:${port}/${database}?schema=${schema}`;
  afterAll(async () => {
    const admin = await connect({ host, port, user, database });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  runStoreContract(() => PostgresRunStore.open(url));

  it('says where it is without a password, and names the server and the fix when it cannot connect', async () => {
    const store = await PostgresRunStore.open(url.replace(`${user}@`, `${user}:s3cret@`));
    expect(store.location).toBe(`postgres://${user}@${host}:${port}/${database} (schema ${schema})`);
    await store.close();
    await expect(PostgresRunStore.open(`postgres://${user}@127.0.0.1:1/${database}?schema=${schema}`)).rejects.toMatchObject({
      message: expect.stringMatching(/cannot open the run store postgres:\/\/.*127\.0\.0\.1:1.*cannot connect/),
      hint: expect.stringMatching(/start PostgreSQL or fix --db/),
    });
    await expect(PostgresRunStore.open(`${url.split('?')[0]}?schema=bad-name;drop`)).rejects.toThrow(/schema "bad-name;drop" is not a plain SQL name/);
  });
}, 60_000);
