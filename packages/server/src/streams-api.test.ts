import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSink, runStream, streamApp } from '@pypeline/stream';
import { endlessSource } from '@pypeline/stream/testing';
import { until } from '@pypeline/test-services';
import { createServer, type PypeServer } from './create-server.js';
import { json, jobsFolder, TOKEN } from './testing/http-fixtures.js';

// GET /streams and /streams/:id: the stream apps of this machine, found through the folder in
// which each app announces itself (here a temp one), with what `pype inspect` shows.
describe('the stream apps of pype serve', () => {
  const saved = process.env.PYPE_STREAM_APPS_DIR;
  let server: PypeServer;
  let base: string;
  const stop = new AbortController();
  let running: Promise<unknown>;
  const stateDir = mkdtempSync(join(tmpdir(), 'pype-serve-stream-'));
  const get = async (path: string) => json(await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }));

  beforeAll(async () => {
    process.env.PYPE_STREAM_APPS_DIR = join(mkdtempSync(join(tmpdir(), 'pype-apps-')), 'apps');
    const app = streamApp('numbers_app');
    app.source('numbers', endlessSource(), { eventTime: 'ts' }).filter('n >= 0', { name: 'keep' }).to(collectSink(), { name: 'out' });
    running = runStream(app, { stateDir, signal: stop.signal, metricsInterval: 200 });
    server = await createServer({ jobsDir: jobsFolder().jobsDir, tokens: [TOKEN], log: () => {} });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  }, 60_000);
  afterAll(async () => {
    stop.abort();
    await running;
    await server?.close();
    if (saved === undefined) delete process.env.PYPE_STREAM_APPS_DIR;
    else process.env.PYPE_STREAM_APPS_DIR = saved;
  });

  it('lists a running app with its operators and throughput', async () => {
    let list: any;
    await until(async () => (list = await get('/streams')).streams[0]?.rowsPerSec > 0, () => `the app to be listed with rows/s; saw ${JSON.stringify(list)}`, 30_000, 50);
    expect(list.streams).toEqual([expect.objectContaining({ app: 'numbers_app', status: 'running', stateDir, pid: process.pid, operators: 3 })]);
    expect(list.dir).toBe(process.env.PYPE_STREAM_APPS_DIR);
  });

  it('shows one app\'s topology with each operator\'s rows/s, watermark and state, and the rows grow', async () => {
    const { streams } = await get('/streams');
    const first = await get(`/streams/${streams[0].id}`);
    expect(first.nodes.map((n: any) => [n.id, n.kind, n.inputs])).toEqual([['numbers', 'source', []], ['keep', 'operator', ['numbers']], ['out', 'sink', ['keep']]]);
    expect(first.nodes[0]).toEqual(expect.objectContaining({ rowsOut: expect.any(Number), rowsPerSec: expect.any(Number), watermark: expect.any(Number), stateEntries: 0, lateRows: 0 }));
    let later: any;
    await until(async () => (later = await get(`/streams/${streams[0].id}`)).nodes[2].rowsIn > first.nodes[2].rowsIn, () => `the sink's rows to grow past ${first.nodes[2].rowsIn}; saw ${JSON.stringify(later?.nodes)}`, 30_000, 100);
  });

  it('shows an app that has stopped as stopped, with no throughput, and answers 404 for an unknown one', async () => {
    const { streams } = await get('/streams');
    stop.abort();
    await running;
    const stopped = await get(`/streams/${streams[0].id}`);
    expect(stopped).toMatchObject({ status: 'stopped', rowsPerSec: 0, checkpoint: { id: expect.any(Number) } });
    expect(stopped.nodes.every((n: any) => n.rowsPerSec === 0)).toBe(true);
    const missing = await fetch(`${base}/streams/0123456789abcdef`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(missing.status).toBe(404);
    expect((await json(missing)).hint).toMatch(/GET \/streams/);
    expect((await fetch(`${base}/streams`)).status).toBe(401);
  });
});
