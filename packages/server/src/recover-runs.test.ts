import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PypeEvent } from '@pypeline/core';
import { connect } from '@pypeline/postgres';
import { describeWithService, postgresTestConfig, until, uniqueName } from '@pypeline/test-services';
import { createServer, openRunStore, type PypeServer } from './create-server.js';
import { RunRegistry } from './run-registry.js';
import type { StoredRun } from './run-store.js';
import { jobsFolder, PACKAGE_DIR, TOKEN } from './testing/http-fixtures.js';

// What a server finds in its store at start, as an earlier process left it, and what becomes of
// each run: nothing is dropped, and a run that cannot go on is failed with the reason. The same
// for both kinds of store: `newDatabase` gives a fresh `--db` value (undefined: the default file).
function recoveryTests(newDatabase: () => string | undefined): void {
  const started = (runId: string): PypeEvent => ({ type: 'run.started', runId, time: 1, flow: 'csv_to_parquet', jobDir: '', context: 'default', subflows: 1, modules: 2 });
  const finishedOk = (runId: string): PypeEvent => ({ type: 'run.finished', runId, time: 2, flow: 'csv_to_parquet', status: 'success', durationMs: 5 });

  async function restart(runs: Array<{ run: Partial<StoredRun> & { id: string }; events?: PypeEvent[] }>) {
    const { jobsDir, dataDir } = jobsFolder();
    const database = newDatabase() ?? join(mkdtempSync(join(tmpdir(), 'pype-recover-')), 'runs.db');
    const store = await openRunStore(database);
    for (const { run, events = [] } of runs) {
      await store.add({ job: 'csv_to_parquet', jobDir: join(jobsDir, 'csv_to_parquet'), status: 'queued', contextName: 'default', context: {}, createdAt: new Date().toISOString(), errors: [], ...run });
      for (const [i, e] of events.entries()) await store.addEvent(run.id, i, e);
    }
    await store.close();
    const server = await createServer({ jobsDir, tokens: [TOKEN], searchDirs: [PACKAGE_DIR], database, log: () => {} });
    return { server, dataDir, database, jobsDir };
  }
  async function final(server: PypeServer, id: string) {
    await until(async () => Boolean((await server.runs.get(id))?.finishedAt), `run ${id} to finish`, 60_000, 50);
    return server.runs.view((await server.runs.get(id))!);
  }

  it('starts queued runs, keeps the outcome of an attempt that finished, restarts one that never began, fails one it cannot resume', async () => {
    const { server, dataDir } = await restart([
      { run: { id: 'rqueued', context: { batch: 11 } } },
      { run: { id: 'rdone', status: 'running', runId: 'e-done', startedAt: 'before' }, events: [started('e-done'), finishedOk('e-done')] },
      { run: { id: 'rnever', status: 'running', context: { batch: 12 }, startedAt: 'before' } },
      { run: { id: 'rlost', status: 'running', runId: 'e-lost', context: { batch: 13 }, startedAt: 'before' }, events: [started('e-lost')] },
      { run: { id: 'rgone', context: { batch: 14 }, uploadDir: '/nonexistent/pype-upload' } },
    ]);
    try {
      expect(server.recovered).toEqual({ queued: 2, interrupted: 3 });
      expect(await final(server, 'rqueued')).toMatchObject({ status: 'success', errors: [] });
      expect(existsSync(join(dataDir, 'batch_11.parquet'))).toBe(true);
      expect(await final(server, 'rdone')).toMatchObject({ status: 'success', runId: 'e-done' });
      expect(await final(server, 'rnever')).toMatchObject({ status: 'success' });
      expect(existsSync(join(dataDir, 'batch_12.parquet'))).toBe(true);
      const lost = await final(server, 'rlost');
      expect(lost.status).toBe('failed');
      expect(lost.errors[0].message).toBe('interrupted: the server stopped while run rlost was running, and it cannot be resumed: the job folder holds no checkpoint of it');
      expect(lost.errors[0].hint).toMatch(/post the run again/);
      expect(existsSync(join(dataDir, 'batch_13.parquet'))).toBe(false);
      const gone = await final(server, 'rgone');
      expect([gone.status, gone.errors[0].message]).toEqual(['failed', "the run's uploaded files are gone: /nonexistent/pype-upload no longer exists"]);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('removes the upload folders of requests that were never accepted, and nothing else', async () => {
    const { jobsDir } = jobsFolder();
    const uploads = join(jobsDir, 'csv_to_parquet', 'uploads');
    const orphan = join(uploads, RunRegistry.newId());
    const mine = join(uploads, 'notes-of-my-own');
    mkdirSync(orphan, { recursive: true });
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(orphan, 'input-data.csv'), 'id\n1\n');
    const lines: string[] = [];
    const server = await createServer({ jobsDir, tokens: [TOKEN], searchDirs: [PACKAGE_DIR], database: newDatabase(), log: (l) => lines.push(l) });
    try {
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(mine)).toBe(true);
      expect(lines).toEqual([`pype serve: removed ${orphan}: the files of a request that was never accepted (the server stopped before storing its run)`]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('answers GET /runs/:id of a finished run after a restart, with its modules and events', async () => {
    const { jobsDir } = jobsFolder();
    const database = newDatabase();
    const first = await createServer({ jobsDir, tokens: [TOKEN], searchDirs: [PACKAGE_DIR], database, log: () => {} });
    const run = await first.runs.start({ id: 'rkeep', job: 'csv_to_parquet', jobDir: join(jobsDir, 'csv_to_parquet'), contextName: 'default', context: { batch: 21 } });
    const before = await final(first, run.id);
    await first.close();
    if (database === undefined) expect(existsSync(join(jobsDir, '.pype-serve', 'runs.db'))).toBe(true);

    const second = await createServer({ jobsDir, tokens: [TOKEN], searchDirs: [PACKAGE_DIR], database, log: () => {} });
    try {
      const base = await second.app.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${base}/runs/rkeep`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      const after: any = await res.json();
      expect(after).toEqual(before);
      expect(after.modules.map((m: any) => [m.nodeId, m.status])).toEqual([['read#0', 'success'], ['write#0', 'success']]);
      const sse = await (await fetch(`${base}/runs/rkeep/events`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      expect(sse).toMatch(/event: run\.finished/);
      expect(sse).toMatch(/event: end\ndata: \{"id":"rkeep","status":"success"/);
    } finally {
      await second.close();
    }
  }, 120_000);
}

describe('pype serve takes up the runs an earlier process left in its store (SQLite)', () => recoveryTests(() => undefined));

describeWithService('postgres', 'pype serve takes up the runs an earlier process left in its store (PostgreSQL)', () => {
  const { host, port, user, database } = postgresTestConfig();
  const schemas: string[] = [];
  afterAll(async () => {
    const admin = await connect({ host, port, user, database });
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  recoveryTests(() => {
    schemas.push(uniqueName('pype_recover'));
    return `postgres://${user}@${host}:${port}/${database}?schema=${schemas.at(-1)}`;
  });
});
