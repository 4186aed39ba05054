import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';
import { streamApp } from '../app.js';
import { collectSink, memorySource } from '../connectors/memory.js';
import { endlessSource } from '../testing/endless-source.js';
import { announceApp, appId, findApp, listApps, liveStatus, streamAppsDir } from './app-directory.js';
import type { MetricsFile } from './metrics-writer.js';
import { runStream } from './run-stream.js';

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe('the directory of stream apps', () => {
  const saved = process.env.PYPE_STREAM_APPS_DIR;
  beforeEach(() => void (process.env.PYPE_STREAM_APPS_DIR = join(temp('pype-apps-dir-'), 'apps')));
  afterEach(() => {
    if (saved === undefined) delete process.env.PYPE_STREAM_APPS_DIR;
    else process.env.PYPE_STREAM_APPS_DIR = saved;
  });

  it('lists an app while it runs, with its metrics, and as stopped once it has stopped', async () => {
    const stateDir = temp('pype-stream-');
    const app = streamApp('endless_app');
    app.source('numbers', endlessSource()).filter('n >= 0', { name: 'keep' }).to(collectSink(), { name: 'out' });
    const stop = new AbortController();
    const run = runStream(app, { stateDir, signal: stop.signal, metricsInterval: 50 });
    let seen: ReturnType<typeof findApp>;
    await until(() => (seen = findApp(appId(stateDir)))?.status === 'running' && (seen?.metrics?.nodes[0]?.rowsOut ?? 0) > 0,
      () => `the app to be listed as running with rows; saw ${JSON.stringify(seen)}`, 30_000, 20);
    expect(seen!).toMatchObject({ app: 'endless_app', stateDir, pid: process.pid });
    expect(seen!.metrics!.nodes.map((n) => [n.id, n.kind, n.inputs])).toEqual([['numbers', 'source', []], ['keep', 'operator', ['numbers']], ['out', 'sink', ['keep']]]);
    expect(listApps().map((a) => a.id)).toEqual([appId(stateDir)]);
    stop.abort();
    await run;
    expect(findApp(appId(stateDir))).toMatchObject({ status: 'stopped', metrics: { status: 'stopped' } });
  }, 60_000);

  it('keeps one entry per state folder, and forgets an app whose state folder was deleted', async () => {
    const kept = temp('pype-stream-');
    const deleted = temp('pype-stream-');
    const bounded = (name: string) => {
      const app = streamApp(name);
      app.source('in', memorySource([{ n: 1 }, { n: 2 }])).to(collectSink(), { name: 'out' });
      return app;
    };
    await runStream(bounded('kept'), { stateDir: kept });
    await runStream(bounded('kept'), { stateDir: kept });
    await runStream(bounded('deleted'), { stateDir: deleted });
    expect(listApps().map((a) => a.app).sort()).toEqual(['deleted', 'kept']);
    rmSync(deleted, { recursive: true });
    expect(listApps().map((a) => [a.app, a.status])).toEqual([['kept', 'stopped']]);
    expect(readdirSync(streamAppsDir())).toEqual([`${appId(kept)}.json`]);
    expect(findApp('../../etc/passwd')).toBeUndefined();
  }, 60_000);

  it('says gone when the metrics say running but the process has ended', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const metrics: MetricsFile = { app: 'a', pid: Number(dead.stdout), status: 'running', startedAt: 0, updatedAt: 0, nodes: [] };
    expect(liveStatus(metrics)).toBe('gone');
    expect(liveStatus({ ...metrics, status: 'stopped' })).toBe('stopped');
    expect(liveStatus({ ...metrics, pid: process.pid })).toBe('running');
    const stateDir = temp('pype-stream-');
    const entry = announceApp(stateDir, 'a');
    writeFileSync(join(stateDir, 'metrics.json'), JSON.stringify(metrics));
    expect(findApp(entry.id)).toMatchObject({ status: 'gone', metrics: { pid: metrics.pid } });
  });
});
