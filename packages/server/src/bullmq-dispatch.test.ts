import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BullmqExecutor, removeQueues, startWorker, type TaskWorker } from '@pypeline/executor-bullmq';
import { readParquetFile } from '@pypeline/parquet';
import { describeWithService, serviceAddress, uniqueName } from '@pypeline/test-services';
import { createServer, type PypeServer } from './create-server.js';
import { json, jobsFolder, PACKAGE_DIR, readSse, TOKEN } from './testing/http-fixtures.js';

describeWithService('redis', 'pype serve dispatching runs to BullMQ workers', () => {
  const { host, port } = serviceAddress('redis');
  const redis = `redis://${host}:${port}`;
  const queue = uniqueName('pype_test_serve');
  let server: PypeServer;
  let worker: TaskWorker;
  let executor: BullmqExecutor;
  let base: string;
  let dataDir: string;

  beforeAll(async () => {
    const fixture = jobsFolder();
    dataDir = fixture.dataDir;
    worker = startWorker({ redis, queue, searchDirs: [PACKAGE_DIR] });
    executor = await BullmqExecutor.connect({ redis, queue });
    server = await createServer({ jobsDir: fixture.jobsDir, tokens: [TOKEN], executor });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await executor?.close();
    await worker?.close();
    await removeQueues(redis, queue);
  });

  it('answers 202 at once and streams the worker\'s events over SSE', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const res = await fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers, body: JSON.stringify({ batch: 9 }) });
    expect(res.status).toBe(202);
    const { id } = await json(res);
    const events = await readSse(await fetch(`${base}/runs/${id}/events`, { headers }));
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'success' } });
    expect(new Set(events.filter((e) => e.event === 'module.finished').map((e) => e.data.nodeId))).toEqual(new Set(['read#0', 'write#0']));
    expect(events.some((e) => e.event === 'log' && /queued on pype_test_serve/.test(e.data.msg))).toBe(true);
    expect((await readParquetFile(join(dataDir, 'batch_9.parquet'))).numRows).toBe(3);
    expect(await json(await fetch(`${base}/health`))).toMatchObject({ executor: 'bullmq' });
  });
}, 90_000);
