import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';
import { createServer, type PypeServer } from './create-server.js';
import { json, jobsFolder, PACKAGE_DIR, TOKEN } from './testing/http-fixtures.js';

// The API the web console reads: jobs and flows with their graphs, history, cancel and resume.
describe('the console API of pype serve', () => {
  let server: PypeServer;
  let base: string;
  let jobsDir: string;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const get = async (path: string) => json(await fetch(`${base}${path}`, { headers: auth }));
  const post = (path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const finished = async (id: string) => {
    let run: any;
    await until(async () => Boolean((run = await get(`/runs/${id}`)).finishedAt), () => `run ${id} to finish; last seen ${JSON.stringify(run)}`, 60_000, 50);
    return run;
  };

  beforeAll(async () => {
    ({ jobsDir } = jobsFolder());
    writeFileSync(join(jobsDir, 'broken.yaml'), 'flow:\n  name: broken\nmodules:\n  - id: read\n    name: csv_sorce\n    configs: { required: { file_path: x.csv } }\n  - id: keep\n    name: filter_mod\n    configs: { required: { condition: "age > 1" } }\nconnections:\n  data: ["read.data - keep.input"]\n');
    server = await createServer({ jobsDir, tokens: [TOKEN], searchDirs: [PACKAGE_DIR], log: () => {} });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => server?.close());

  it('lists the built jobs and the flow files of the served folder', async () => {
    const { jobs } = await get('/jobs');
    expect(jobs.map((j: any) => [j.kind, j.name])).toEqual([['job', 'bad_schema'], ['flow', 'broken'], ['job', 'csv_to_parquet']]);
    expect(jobs.find((j: any) => j.name === 'csv_to_parquet')).toMatchObject({ modules: 2, subflows: 1 });
  });

  it('draws a job from its plan: typed modules in sub flows, data edges with their schema', async () => {
    const { graph } = await get('/jobs/csv_to_parquet');
    expect(graph.nodes.map((n: any) => [n.id, n.name, n.type])).toEqual([['read', 'csv_source', 'source'], ['write', 'parquet_sink', 'sink']]);
    expect(graph.subflows).toEqual([{ id: 'subflow_1', modules: ['read', 'write'] }]);
    expect(graph.dataEdges).toEqual([expect.objectContaining({ from: 'read', fromPort: 'data', to: 'write', toPort: 'input' })]);
    expect(graph.nodes[0].config).toEqual({ file_path: '{{context.input}}' });
  });

  it('pins each problem of a broken flow file on its module, with the line and the fix', async () => {
    const flow = await get('/flows/broken.yaml');
    expect(flow.ok).toBe(false);
    expect(flow.graph.nodes.map((n: any) => n.id)).toEqual(['read', 'keep']);
    expect(flow.graph.dataEdges).toEqual([expect.objectContaining({ from: 'read', to: 'keep' })]);
    expect(flow.graph.problems).toContainEqual(expect.objectContaining({ nodeId: 'read', severity: 'error', line: 5, message: expect.stringMatching(/unknown module "csv_sorce"/), hint: expect.any(String) }));
    const missing = await fetch(`${base}/flows/..%2Fetc.yaml`, { headers: auth });
    expect(missing.status).toBe(404);
  });

  it('keeps each job\'s history, newest first', async () => {
    const first = await json(await post('/jobs/csv_to_parquet/runs', { batch: 1 }));
    await finished(first.id);
    const second = await json(await post('/jobs/csv_to_parquet/runs', { batch: 2 }));
    await finished(second.id);
    const { runs } = await get('/jobs/csv_to_parquet/runs');
    expect(runs.slice(0, 2).map((r: any) => [r.id, r.status])).toEqual([[second.id, 'success'], [first.id, 'success']]);
    expect((await get('/jobs/bad_schema/runs')).runs).toEqual([]);
    expect((await get('/jobs')).jobs.find((j: any) => j.name === 'csv_to_parquet').lastRun).toMatchObject({ id: second.id, status: 'success' });
  });

  it('cancels a queued run at once, refuses to cancel a finished one, and resumes a cancelled one', async () => {
    // Runs of one job folder run one after another: the second waits, queued, behind the first.
    const running = await json(await post('/jobs/csv_to_parquet/runs', { batch: 3 }));
    const queued = await json(await post('/jobs/csv_to_parquet/runs', { batch: 4 }));
    expect((await post(`/runs/${queued.id}/cancel`)).status).toBe(202);
    expect(await finished(queued.id)).toMatchObject({ status: 'cancelled' });
    await finished(running.id);
    const again = await post(`/runs/${running.id}/cancel`);
    expect(again.status).toBe(409);
    expect((await json(again)).error).toMatch(/already ended/);
    expect((await post(`/runs/${running.id}/resume`)).status).toBe(409);
    const resumed = await json(await post(`/runs/${queued.id}/resume`));
    expect(resumed.resumes).toBe(queued.id);
    expect(await finished(resumed.id)).toMatchObject({ status: 'success', job: 'csv_to_parquet', context: { batch: 4 } });
  });

  it('serves the console without a token, and the API only with one', async () => {
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="app">/);
    expect((await fetch(`${base}/`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');
    expect((await fetch(`${base}/jobs`)).status).toBe(401);
  });
});

describe('pype serve without tokens (loopback only)', () => {
  let server: PypeServer;
  let base: string;
  beforeAll(async () => {
    const { jobsDir } = jobsFolder();
    server = await createServer({ jobsDir, tokens: [], auth: false, searchDirs: [PACKAGE_DIR], log: () => {} });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => server?.close());

  it('answers a loopback host without a token, and refuses other hosts and other sites', async () => {
    expect((await fetch(`${base}/jobs`)).status).toBe(200);
    // fetch may not set Host (a forbidden header), so these go through Fastify's inject.
    const rebound = await server.app.inject({ url: '/jobs', headers: { host: 'attacker.example:80' } });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json().error).toMatch(/not a loopback address/);
    const crossSite = await server.app.inject({ method: 'POST', url: '/jobs/csv_to_parquet/runs', headers: { host: '127.0.0.1', origin: 'https://attacker.example' }, payload: { batch: 1 } });
    expect(crossSite.statusCode).toBe(403);
    const sameSite = await server.app.inject({ url: '/jobs', headers: { host: 'localhost:8080', origin: 'http://localhost:8080' } });
    expect(sameSite.statusCode).toBe(200);
    expect(await server.runs.counts()).toMatchObject({ queued: 0, running: 0, success: 0 });
  });

  it('still needs tokens when auth is on', async () => {
    await expect(createServer({ jobsDir: '/nowhere', tokens: [] })).rejects.toThrow(/at least one non-empty bearer token/);
  });
});
