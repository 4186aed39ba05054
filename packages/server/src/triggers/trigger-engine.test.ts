// The trigger engine against a real run store and registry, with a clock moved by hand: cron
// ticks and their catch-up after an outage, never twice for one tick across restarts, a run per
// new file, and a job that follows another's success. No test waits for a real minute.
import { mkdirSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFlow } from '@pypeline/core';
import { until } from '@pypeline/test-services';
import { RunRegistry } from '../run-registry.js';
import type { RunStore, StoredRun } from '../run-store.js';
import { SqliteRunStore } from '../sqlite-run-store.js';
import { PACKAGE_DIR } from '../testing/http-fixtures.js';
import { TriggerEngine, type Clock } from './trigger-engine.js';

class HandClock implements Clock {
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  sleep(): Promise<void> {
    return new Promise(() => {});
  }
}

/** A jobs folder with one built job per entry: a log_message job with the given `triggers:` lines. */
function jobs(flows: Record<string, string>, root = mkdtempSync(join(tmpdir(), 'pype-triggers-'))): { root: string; jobsDir: string } {
  const jobsDir = join(root, 'jobs');
  for (const [name, triggers] of Object.entries(flows)) {
    writeFileSync(join(root, `${name}.yaml`), `flow:\n  name: ${name}\ncontext:\n  default:\n    trigger_file: ""\nmodules:\n  - id: say\n    name: log_message\n    configs: { required: { message: "{{context.trigger_file}}" } }\n${triggers ? `triggers:\n${triggers}` : ''}`);
    buildFlow(join(root, `${name}.yaml`), { searchDirs: [PACKAGE_DIR], outDir: jobsDir });
  }
  return { root, jobsDir };
}

const opened: Array<{ runs: RunRegistry; engine: TriggerEngine }> = [];

/** One "server": a registry and an engine over `store`; a second call over the same store is a restart. */
function server(jobsDir: string, store: RunStore, clock: Clock, log: (line: string) => void = () => {}) {
  const runs = new RunRegistry({ store, searchDirs: [PACKAGE_DIR], log: () => {} });
  const engine = new TriggerEngine({ jobsDir, runs, store, clock, log, settleMs: 0 });
  opened.push({ runs, engine });
  return { runs, engine };
}

async function triggered(store: RunStore, job: string): Promise<StoredRun[]> {
  return (await store.list({ job, limit: 500 })).filter((r) => r.trigger).reverse();
}

afterEach(async () => {
  for (const { runs, engine } of opened.splice(0)) {
    await engine.stop();
    await runs.drain(30_000);
  }
});

const T0 = Date.parse('2026-03-01T10:00:30Z');
const MIN = 60_000;

describe('cron triggers', () => {
  it('fires each tick once, and after an outage catches up by the job\'s catch_up', async () => {
    const { jobsDir } = jobs({
      every_min_last: '  - cron: "* * * * *"\n',
      every_min_none: '  - cron: "* * * * *"\n    catch_up: none\n',
      every_min_all: '  - cron: "* * * * *"\n    catch_up: all\n',
    });
    const store = new SqliteRunStore(':memory:');
    const clock = new HandClock(T0);
    const first = server(jobsDir, store, clock);
    await first.engine.tick(); // arms every trigger at 10:00:30: nothing is due yet
    for (const job of ['every_min_last', 'every_min_none', 'every_min_all']) expect(await triggered(store, job)).toEqual([]);
    clock.t = T0 + MIN; // 10:01:30: the 10:01 tick is 30 s old, on time
    await first.engine.tick();
    await first.engine.tick(); // the same tick again: nothing new
    for (const job of ['every_min_last', 'every_min_none', 'every_min_all']) {
      expect((await triggered(store, job)).map((r) => r.trigger)).toEqual([{ kind: 'cron', id: 'cron', tick: '2026-03-01T10:01:00.000Z' }]);
    }
    await first.engine.stop();

    // Down from 10:01:30 to 10:06:10: the ticks 10:02 to 10:05 are missed, 10:06 is on time.
    clock.t = T0 + 5 * MIN + 40_000;
    const second = server(jobsDir, store, clock);
    await second.engine.tick();
    const ticks = async (job: string) => (await triggered(store, job)).map((r) => r.trigger!.tick.slice(11, 16));
    expect(await ticks('every_min_last')).toEqual(['10:01', '10:06']);
    expect(await ticks('every_min_none')).toEqual(['10:01', '10:06']);
    expect(await ticks('every_min_all')).toEqual(['10:01', '10:02', '10:03', '10:04', '10:05', '10:06']);

    // Down again until 10:10:29: 10:07 to 10:09 are missed, 10:10 is on time and stands for them (catch_up last).
    await second.engine.stop();
    clock.t = Date.parse('2026-03-01T10:10:29Z');
    const third = server(jobsDir, store, clock);
    await third.engine.tick();
    expect(await ticks('every_min_last')).toEqual(['10:01', '10:06', '10:10']);
    expect(await ticks('every_min_none')).toEqual(['10:01', '10:06', '10:10']);
    expect((await ticks('every_min_all')).slice(6)).toEqual(['10:07', '10:08', '10:09', '10:10']);
  }, 120_000);

  it('never fires one tick twice: a restart at the same instant, and two engines racing on one store', async () => {
    const { jobsDir } = jobs({ hourly: '  - id: top\n    cron: "0 * * * *"\n    timezone: Europe/Paris\n' });
    const store = new SqliteRunStore(':memory:');
    const clock = new HandClock(Date.parse('2026-03-01T09:59:00Z'));
    const a = server(jobsDir, store, clock);
    await a.engine.tick();
    clock.t = Date.parse('2026-03-01T10:00:05Z');
    const b = server(jobsDir, store, clock);
    await Promise.all([a.engine.tick(), b.engine.tick(), a.engine.tick()]);
    await a.engine.stop();
    const c = server(jobsDir, store, clock); // a restart: no memory but the store
    await c.engine.tick();
    expect((await triggered(store, 'hourly')).map((r) => r.trigger)).toEqual([{ kind: 'cron', id: 'top', tick: '2026-03-01T10:00:00.000Z' }]);
    const [schedule] = await c.engine.schedules();
    expect(schedule).toMatchObject({ job: 'hourly', next: '2026-03-01T11:00:00.000Z', last: { trigger: 'top', key: '2026-03-01T10:00:00.000Z', tick: '2026-03-01T10:00:00.000Z' } });
  }, 120_000);
});

describe('file_arrival triggers', () => {
  it('fires once per new file matching the glob, with its path in the context; a replaced file fires again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pype-triggers-'));
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    const { jobsDir } = jobs({ ingest: `  - id: inbox\n    file_arrival: { folder: ${JSON.stringify(inbox)}, pattern: "*.csv" }\n` }, root);
    writeFileSync(join(inbox, 'old.csv'), 'was here first\n');
    const store = new SqliteRunStore(':memory:');
    // Armed just after old.csv was written: it is not new.
    await store.armedSince('ingest', 'inbox', new Date(statSync(join(inbox, 'old.csv')).ctimeMs + 1).toISOString());
    // File times come from the kernel's coarse clock, which lags Date.now() by up to a tick (5 ms
    // seen on the CI machine): wait until a file written now is stamped after the armed time.
    const armedAt = statSync(join(inbox, 'old.csv')).ctimeMs + 1;
    const probe = join(root, 'probe');
    await until(() => (writeFileSync(probe, ''), statSync(probe).mtimeMs > armedAt + 1), 'a new file to be stamped after old.csv', 5_000, 1);
    const clock = new HandClock(Date.now());
    const first = server(jobsDir, store, clock);
    writeFileSync(join(inbox, 'b.csv'), 'b\n');
    writeFileSync(join(inbox, 'a.csv'), 'a\n');
    writeFileSync(join(inbox, 'notes.txt'), 'not a csv\n');
    clock.t = Date.now() + 10;
    await first.engine.tick();
    await first.engine.tick();
    const files = async () => (await triggered(store, 'ingest')).map((r) => [r.trigger!.tick.slice(inbox.length + 1), r.context.trigger_file]);
    expect(await files()).toEqual([['a.csv', join(inbox, 'a.csv')], ['b.csv', join(inbox, 'b.csv')]]);
    await first.engine.stop();
    const second = server(jobsDir, store, clock);
    await second.engine.tick();
    expect(await files()).toHaveLength(2);
    // A new version of a.csv (another modification time) is a new file.
    utimesSync(join(inbox, 'a.csv'), new Date(clock.t + 5_000), new Date(clock.t + 5_000));
    clock.t += 10_000;
    await second.engine.tick();
    expect((await files()).map(([name]) => name)).toEqual(['a.csv', 'b.csv', 'a.csv']);
    // The runs really ran with the path: log_message said it.
    const [run] = await triggered(store, 'ingest');
    await until(async () => (await store.get(run.id))?.status === 'success', `run ${run.id} to succeed`, 60_000, 50);
    expect(JSON.stringify(await store.events(run.id))).toContain(join(inbox, 'a.csv'));
  }, 120_000);
});

describe('job_success triggers', () => {
  it('starts the follower after each success of the job it follows, and takes up a success it missed while stopped', async () => {
    const { jobsDir } = jobs({ load: '', report: '  - job_success: load\n' });
    const store = new SqliteRunStore(':memory:');
    const clock = new HandClock(Date.now());
    const { runs, engine } = server(jobsDir, store, clock);
    await engine.tick(); // armed
    const load = await runs.start({ id: RunRegistry.newId(), job: 'load', jobDir: join(jobsDir, 'load'), contextName: 'default', context: {} });
    await until(async () => (await triggered(store, 'report')).length === 1, 'the report run to be started', 60_000, 50);
    expect((await store.get(load.id))?.status).toBe('success');
    const [report] = await triggered(store, 'report');
    expect(report.trigger).toEqual({ kind: 'job_success', id: 'job_success', tick: load.id });
    await until(async () => (await store.get(report.id))?.status === 'success', 'the report run to succeed', 60_000, 50);

    // The server stops following (a crash between the success and the follower's start), load succeeds again.
    await engine.stop();
    const again = await runs.start({ id: RunRegistry.newId(), job: 'load', jobDir: join(jobsDir, 'load'), contextName: 'default', context: {} });
    await until(async () => (await store.get(again.id))?.status === 'success', 'the second load to succeed', 60_000, 50);
    expect(await triggered(store, 'report')).toHaveLength(1);
    const restarted = server(jobsDir, store, clock);
    await restarted.engine.tick();
    await restarted.engine.tick();
    expect((await triggered(store, 'report')).map((r) => r.trigger!.tick)).toEqual([load.id, again.id]);
  }, 180_000);
});

describe('a loop of jobs following each other', () => {
  it('is reported once and not fired, so it cannot run forever', async () => {
    const { jobsDir } = jobs({ ping: '  - job_success: pong\n', pong: '  - job_success: ping\n', solo: '' });
    const store = new SqliteRunStore(':memory:');
    const lines: string[] = [];
    const { runs, engine } = server(jobsDir, store, new HandClock(Date.now()), (l) => lines.push(l));
    await engine.tick();
    await engine.tick();
    const ping = await runs.start({ id: RunRegistry.newId(), job: 'ping', jobDir: join(jobsDir, 'ping'), contextName: 'default', context: {} });
    await until(async () => (await store.get(ping.id))?.status === 'success', 'ping to succeed', 60_000, 50);
    await engine.tick();
    expect(await triggered(store, 'pong')).toEqual([]);
    expect(lines.filter((l) => l.includes('would run forever'))).toEqual([
      'pype serve: triggers: the jobs pong -> ping -> pong each start after the success of the one before: that would run forever, so their job_success triggers are not fired (fix: remove one of them and rebuild)',
    ]);
  }, 120_000);
});
