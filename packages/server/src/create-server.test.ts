import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlow } from '@pypeline/core';
import { readParquetFile } from '@pypeline/parquet';
import { until } from '@pypeline/test-services';
import { createServer, type PypeServer } from './create-server.js';
import { json, jobsFolder, PACKAGE_DIR, readSse, TOKEN } from './testing/http-fixtures.js';

// Every run goes through the real engine and the worker pool: seconds each on a busy machine.
describe('pype serve over real HTTP (local executor)', () => {
  let server: PypeServer;
  let base: string;
  let jobsDir: string;
  let dataDir: string;
  const logged: string[] = [];
  const auth = { authorization: `Bearer ${TOKEN}` };
  const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const get = (path: string, headers: Record<string, string> = auth) => fetch(`${base}${path}`, { headers });
  async function finished(id: string): Promise<any> {
    let run: any;
    await until(async () => Boolean((run = await json(await get(`/runs/${id}`))).finishedAt), () => `run ${id} to finish; last seen ${JSON.stringify(run)}`, 60_000, 50);
    return run;
  }

  beforeAll(async () => {
    ({ jobsDir, dataDir } = jobsFolder());
    server = await createServer({ jobsDir, tokens: [TOKEN, 'second-token'], searchDirs: [PACKAGE_DIR], bodyLimit: 4096, uploadLimit: 1024, log: (l) => logged.push(l) });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => server?.close());

  it('answers /health without a token', async () => {
    const res = await get('/health', {});
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ok', executor: 'local', runs: { queued: 0, running: 0 } });
  });

  it('refuses requests without a valid bearer token with 401, and does nothing', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }] as Record<string, string>[]) {
      const res = await post('/jobs/csv_to_parquet/runs', { batch: 7 }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="pype"');
      expect((await json(res)).error).toMatch(/bearer token/);
    }
    expect((await get('/runs/anything', {})).status).toBe(401);
    expect(existsSync(join(dataDir, 'batch_7.parquet'))).toBe(false);
    expect(await server.runs.counts()).toEqual({ queued: 0, running: 0, success: 0, failed: 0, cancelled: 0 });
  });

  it('answers 422 with every problem of the context, before anything runs', async () => {
    const res = await post('/jobs/csv_to_parquet/runs', { batch: 'x', mode: 'sometimes', nested: { a: 1 } });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error).toBe('the context does not fit job csv_to_parquet (3 problems)');
    expect(body.errors).toEqual(expect.arrayContaining([
      { path: '/nested', message: expect.stringMatching(/scalars/) },
      { path: '/batch', message: 'must be integer' },
      { path: '/mode', message: 'must be one of "full", "delta"' },
    ]));
    expect((await post('/jobs/csv_to_parquet/runs', [1, 2])).status).toBe(422);
    const env = await post('/jobs/csv_to_parquet/runs?context=prod', { batch: 1 });
    expect([env.status, (await json(env)).error]).toEqual([422, 'job csv_to_parquet has no context "prod"']);
  });

  it('starts a run with 202 and its id at once; GET /runs/:id and the SSE stream follow it', async () => {
    const res = await post('/jobs/csv_to_parquet/runs', { batch: 2, mode: 'full' });
    expect(res.status).toBe(202);
    const { id, links } = await json(res);
    expect(res.headers.get('location')).toBe(`/runs/${id}`);
    expect(links.events).toBe(`/runs/${id}/events`);

    const events = await readSse(await get(`/runs/${id}/events`));
    expect(events[0].event).toBe('run.started');
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { id, status: 'success' } });
    expect(events.map((e) => e.event)).toContain('module.finished');
    expect(events.slice(0, -1).map((e) => Number(e.id))).toEqual(events.slice(0, -1).map((_, i) => i));

    const run = await finished(id);
    expect(run).toMatchObject({ id, job: 'csv_to_parquet', status: 'success', context: { batch: 2, mode: 'full' }, errors: [] });
    expect(run.runId).toMatch(/^\d{8}T\d{6}-[0-9a-f]{6}$/);
    expect(run.modules.map((m: any) => [m.nodeId, m.status, m.rowsOut])).toEqual([['read#0', 'success', 3], ['write#0', 'success', 0]]);
    expect((await readParquetFile(join(dataDir, 'batch_2.parquet'))).numRows).toBe(3);

    const resumed = await readSse(await get(`/runs/${id}/events`, { ...auth, 'last-event-id': '2' }));
    expect(resumed[0].id).toBe('3');
  });

  it('runs of one job queue behind each other; both finish', async () => {
    const ids = await Promise.all([3, 4].map(async (batch) => (await json(await post('/jobs/csv_to_parquet/runs', { batch }))).id));
    const runs = await Promise.all(ids.map(finished));
    expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
    expect(Date.parse(runs[1].startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[0].finishedAt));
  });

  it('takes a file upload (multipart) as the source input, and removes it after the run', async () => {
    const form = new FormData();
    form.append('input', new Blob(['id,name,age\n1,x,1\n2,y,2\n']), 'my data.csv');
    form.append('batch', '5');
    const res = await fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers: auth, body: form });
    expect(res.status).toBe(202);
    const run = await finished((await json(res)).id);
    expect(run.status).toBe('success');
    expect(run.context.input).toMatch(/uploads\/r[0-9a-z]+\/input-my_data\.csv$/);
    expect((await readParquetFile(join(dataDir, 'batch_5.parquet'))).numRows).toBe(2);
    expect(existsSync(run.context.input)).toBe(false);
  });

  it('limits request sizes and answers errors as JSON without stack traces', async () => {
    const big = await post('/jobs/csv_to_parquet/runs', { batch: 1, note: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    const form = new FormData();
    form.append('input', new Blob(['x'.repeat(4096)]), 'big.csv');
    const upload = await fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers: auth, body: form });
    expect(upload.status).toBe(413);
    expect(readdirSync(join(jobsDir, 'csv_to_parquet', 'uploads'))).toEqual([]);

    const bad = await fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{oops' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hi' })).status).toBe(415);
    expect((await post('/jobs/..%2F..%2Fetc/runs', {})).status).toBe(404);
    expect((await get('/runs/nope')).status).toBe(404);

    const invalidSchema = await post('/jobs/bad_schema/runs', { batch: 1 });
    expect(invalidSchema.status).toBe(500);
    expect((await json(invalidSchema)).error).toMatch(/bad_schema declares a context_schema that is not a valid JSON Schema/);

    writeFileSync(join(jobsDir, 'bad_schema', 'context', 'bad_schema_broken.json'), '{not json');
    const internal = await post('/jobs/bad_schema/runs?context=broken', {});
    expect(internal.status).toBe(500);
    const text = await internal.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal error (this is a bug in PYpeline; the server log has the details)' });
    expect(text).not.toMatch(/\bat \S+ \(/);
    expect(logged.join('\n')).toMatch(/SyntaxError|JSON/);
  });
  it('fails a run whose flow asks for workers when the server has no way to reach them, saying how', async () => {
    const root = join(jobsDir, '..');
    writeFileSync(join(root, 'wants_workers.yaml'), `flow:\n  name: wants_workers\nsettings:\n  execution_mode: distributed\nmodules:\n  - id: read\n    name: csv_source\n    configs: { required: { file_path: ${JSON.stringify(join(root, 'people.csv'))} } }\n  - id: write\n    name: parquet_sink\n    configs: { required: { output_path: ${JSON.stringify(join(dataDir, 'workers.parquet'))} } }\nconnections:\n  data: ["read.data - write.input"]\n`);
    buildFlow(join(root, 'wants_workers.yaml'), { searchDirs: [PACKAGE_DIR], outDir: jobsDir });
    const res = await post('/jobs/wants_workers/runs', {});
    expect(res.status).toBe(202);
    const run = await finished((await json(res)).id);
    expect(run.status).toBe('failed');
    expect(run.errors).toEqual([{ message: expect.stringMatching(/execution_mode: distributed/), hint: expect.stringMatching(/pype serve/) }]);
    expect(existsSync(join(dataDir, 'workers.parquet'))).toBe(false);
  });
}, 90_000);
