import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PypeEvent } from '@pypeline/core';
import type { StoredRun } from './run-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';

const run = (id: string, extra: Partial<StoredRun> = {}): StoredRun => ({
  id, job: 'j', jobDir: '/jobs/j', status: 'queued', contextName: 'default', context: { n: 1 }, createdAt: '2026-01-01T00:00:00.000Z', errors: [], ...extra,
});
const event = (msg: string): PypeEvent => ({ type: 'log', level: 'info', msg, runId: 'x', time: 1 });

describe('SqliteRunStore', () => {
  it('keeps runs and their events in its file, across a reopen', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pype-store-')), 'state', 'runs.db');
    const store = new SqliteRunStore(file);
    store.add(run('r1', { uploadDir: '/up/r1' }));
    store.add(run('r2'));
    store.update({ ...run('r1'), status: 'running', runId: 'e1', startedAt: 'then', uploadDir: '/up/r1' });
    store.addEvent('r1', 0, event('zero'));
    store.addEvent('r1', 1, event('one'));
    store.close();

    const again = new SqliteRunStore(file);
    expect(again.get('r1')).toEqual({ ...run('r1'), status: 'running', runId: 'e1', startedAt: 'then', uploadDir: '/up/r1' });
    expect(again.events('r1').map((e: any) => e.msg)).toEqual(['zero', 'one']);
    expect(again.events('r1', 1).map((e: any) => e.msg)).toEqual(['one']);
    expect(again.unfinished().map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(again.counts()).toMatchObject({ queued: 1, running: 1, success: 0 });
    expect(again.get('nope')).toBeUndefined();
    again.close();
  });

  it('forgets the oldest finished runs past `keep`, with their events, never an unfinished one', () => {
    const store = new SqliteRunStore(':memory:');
    for (const id of ['a', 'b', 'c', 'd']) store.add(run(id, id === 'b' ? {} : { status: 'success', finishedAt: 'done' }));
    store.addEvent('a', 0, event('a'));
    store.forgetFinished(2);
    expect(['a', 'b', 'c', 'd'].map((id) => store.get(id)?.id)).toEqual([undefined, 'b', 'c', 'd']);
    expect(store.events('a')).toEqual([]);
    store.close();
  });

  it('belongs to one server at a time: a second opener is told who holds it and what to do', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pype-store-')), 'runs.db');
    const store = new SqliteRunStore(file);
    expect(() => new SqliteRunStore(file)).toThrow(/run store .*runs\.db is in use by another process/);
    store.close();
    new SqliteRunStore(file).close();
  });

  it('names the file and the fix when it cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-store-'));
    expect(() => new SqliteRunStore(dir)).toThrow(expect.objectContaining({ message: expect.stringMatching(/cannot open the run store/), hint: expect.stringMatching(/--db <file>/) }));
  });
});
