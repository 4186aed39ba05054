import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runJob, type RunResult } from '@pypeline/core';
import { readParquetFile } from '@pypeline/parquet';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { Queue } from 'bullmq';
import { BullmqExecutor } from './bullmq-executor.js';
import { deadLetterQueueName, KEY_PREFIX } from './queue-names.js';
import { parseRedisUrl } from './redis-url.js';
import { napFlow, napProject } from './testing/fixture-project.js';
import { buildJob, obliterateQueues, PACKAGE_DIR, readTrace } from './testing/jobs.js';
import { spawnWorkers, type WorkerProcess } from './testing/spawn-workers.js';

const { host, port } = serviceAddress('redis');
const REDIS = `redis://${host}:${port}`;

/** CSV → filter → Parquet inside an ITERATE loop, then four such branches in parallel, then a report. */
function fanoutFlow(data: string): string {
  const branch = (i: number) => [
    `  - { id: b${i}_read, name: csv_source, configs: { required: { file_path: "{{context.data}}/people.csv" } } }`,
    `  - { id: b${i}_keep, name: filter_mod, configs: { required: { condition: "id % 4 == ${i}" } } }`,
    `  - { id: b${i}_save, name: parquet_sink, configs: { required: { output_path: "{{context.out}}/part_${i}.parquet" } } }`,
  ];
  const b = [0, 1, 2, 3];
  return [
    'flow:\n  name: fanout',
    `context:\n  default:\n    data: ${JSON.stringify(data)}\n    out: ${JSON.stringify(join(data, 'unused'))}`,
    'modules:',
    '  - { id: thresholds, name: csv_source, configs: { required: { file_path: "{{context.data}}/thresholds.csv" } } }',
    '  - { id: read, name: csv_source, configs: { required: { file_path: "{{context.data}}/people.csv" } } }',
    '  - { id: keep, name: filter_mod, configs: { required: { condition: "age > {{iter.item.threshold}}" } } }',
    '  - { id: save, name: parquet_sink, configs: { required: { output_path: "{{context.out}}/over_{{iter.item.threshold}}.parquet" } } }',
    ...b.flatMap(branch),
    `  - { id: report, name: log_message, configs: { required: { message: "parts ${b.map((i) => `{{b${i}_save__row_count}}`).join(' ')}, last loop {{save__row_count}}" } } }`,
    'connections:',
    '  data:',
    '    - "read.data - keep.input"',
    '    - "keep.output - save.input"',
    ...b.flatMap((i) => [`    - "b${i}_read.data - b${i}_keep.input"`, `    - "b${i}_keep.output - b${i}_save.input"`]),
    '  control:',
    '    - "thresholds (iterate|) read"',
    ...b.map((i) => `    - "thresholds (2|) b${i}_read"`),
    '    - "thresholds (3|) report"',
    '',
  ].join('\n');
}

function fanoutData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pype-fanout-'));
  const rows = Array.from({ length: 40 }, (_, i) => `${i},person ${i},${10 + ((i * 7) % 60)}`);
  writeFileSync(join(dir, 'people.csv'), `id,name,age\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'thresholds.csv'), 'threshold\n20\n35\n50\n');
  return dir;
}

async function parquetRows(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const rows = (await readParquetFile(join(dir, f))).toArray().map((r) => r.toJSON());
    out[f] = JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return out;
}

/** Globals without timings, with the run's output folder written as `<out>`. */
const withoutTimes = (r: RunResult, out = '') =>
  Object.fromEntries(Object.entries(r.globals).filter(([k]) => !k.endsWith('.duration_ms')).map(([k, v]) => [k, out && typeof v === 'string' ? v.replace(out, '<out>') : v]));
const logs = (r: RunResult) => r.events.flatMap((e) => (e.type === 'log' && e.nodeId ? [`${e.nodeId}: ${e.msg}`] : []));

describeWithService('redis', 'sub flows on BullMQ workers in three processes', () => {
  const queue = uniqueName('pype_test_fanout');
  let workers: WorkerProcess[] = [];
  let executor: BullmqExecutor;
  let project: string;

  beforeAll(async () => {
    project = napProject();
    workers = await spawnWorkers(3, { redis: REDIS, queue, concurrency: 2, searchDirs: [project, PACKAGE_DIR] });
    executor = await BullmqExecutor.connect({ redis: REDIS, queue });
  }, 120_000);
  afterAll(async () => {
    await executor?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await obliterateQueues(REDIS, queue);
  });

  it('runs a fan-out flow with an ITERATE loop on the workers: output, globals and logs equal a local run', async () => {
    const data = fanoutData();
    const shared = mkdtempSync(join(tmpdir(), 'pype-shared-'));
    const jobDir = buildJob(project, 'fanout', fanoutFlow(data), join(shared, 'jobs'), [project, PACKAGE_DIR]);
    const local = await runJob(jobDir, { searchDirs: [PACKAGE_DIR], contextOverrides: { out: join(shared, 'local') } });
    expect(local.errors).toEqual([]);
    const remote = await runJob(jobDir, { executor, searchDirs: ['/nonexistent'], contextOverrides: { out: join(shared, 'remote') } });
    expect(remote.errors).toEqual([]);
    expect(remote.status).toBe('success');
    expect(await parquetRows(join(shared, 'remote'))).toEqual(await parquetRows(join(shared, 'local')));
    expect(readdirSync(join(shared, 'remote'))).toEqual(['over_20.parquet', 'over_35.parquet', 'over_50.parquet', 'part_0.parquet', 'part_1.parquet', 'part_2.parquet', 'part_3.parquet']);
    expect(withoutTimes(remote, join(shared, 'remote'))).toEqual(withoutTimes(local, join(shared, 'local')));
    // Parallel branches interleave differently from run to run; the set of lines is what must match.
    expect(logs(remote).sort()).toEqual(logs(local).sort());
    expect(logs(remote).find((l) => l.startsWith('report#0'))).toMatch(/^report#0: parts 10 10 10 10, last loop \d+$/);
    expect(remote.modules.map((m) => [m.nodeId, m.status]).sort()).toEqual(local.modules.map((m) => [m.nodeId, m.status]).sort());

    const ran = workers.map((w) => (w.output().match(/^[✓✗] fanout\//gm) ?? []).length);
    expect(ran.reduce((a, b) => a + b)).toBe(1 + 3 + 4 + 1);
    expect(ran.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('serialises modules marked exclusive across workers and runs, through a Redis lock', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'pype-shared-'));
    const trace = join(shared, 'trace.log');
    const resource = uniqueName('warehouse.orders');
    const flow = (name: string) =>
      napFlow(name, [{ id: 'root', ms: 1 }, { id: 'x1', ms: 300, trace, exclusive: resource }, { id: 'x2', ms: 300, trace, exclusive: resource }], ['root (1|) x1', 'root (1|) x2']);
    const jobs = ['lock_a', 'lock_b'].map((n) => buildJob(project, n, flow(n), join(shared, 'jobs')));
    const runs = await Promise.all(jobs.map((j) => runJob(j, { executor, searchDirs: ['/nonexistent'] })));
    expect(runs.map((r) => r.status)).toEqual(['success', 'success']);

    const lines = readTrace(trace);
    const spans = ['x1#0', 'x2#0'].flatMap((id) => lines.filter((l) => l.nodeId === id && l.what === 'start').map((s, i) => [s.at, lines.filter((l) => l.nodeId === id && l.what === 'end')[i].at]));
    expect(spans).toHaveLength(4);
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    const waited = runs.flatMap((r) => r.events).filter((e) => e.type === 'log' && e.msg.includes(`waiting for exclusive resource ${resource}`));
    expect(waited.length).toBeGreaterThan(0);
  });
}, 120_000);

describeWithService('redis', 'a worker killed with SIGKILL mid-task', () => {
  const q = queueFixture('pype_test_kill');

  it('its task is taken over by another worker and the output is identical to a run without the kill', async () => {
    const project = napProject();
    q.workers = await spawnWorkers(2, { redis: REDIS, queue: q.queue, concurrency: 1, searchDirs: [project], lockDurationMs: 2000, stalledIntervalMs: 1000 });
    const shared = mkdtempSync(join(tmpdir(), 'pype-shared-'));
    const trace = join(shared, 'trace.log');
    const out = '{{context.out}}';
    const yaml = napFlow('killme', [
      { id: 'root', ms: 1 },
      { id: 's1', ms: 1500, note: 'one', outDir: out, trace },
      { id: 's2', ms: 1500, note: 'two', outDir: out, trace },
      { id: 'final', ms: 1, note: '{{s1__note}}+{{s2__note}}', outDir: out },
    ], ['root (1|) s1', 'root (1|) s2', 'root (2|) final'], `context:\n  default:\n    out: ${JSON.stringify(join(shared, 'unused'))}\n`);
    const jobDir = buildJob(project, 'killme', yaml, join(shared, 'jobs'));
    const local = await runJob(jobDir, { searchDirs: [project], contextOverrides: { out: join(shared, 'local') } });
    expect(local.status).toBe('success');

    const remote = runJob(jobDir, { executor: q.executor, searchDirs: ['/nonexistent'], contextOverrides: { out: join(shared, 'remote') } });
    let victim = 0;
    await until(() => (victim = readTrace(trace).find((l) => l.nodeId === 's1#0' && l.what === 'start' && q.workers.some((w) => w.pid === l.pid))?.pid ?? 0) > 0, 's1 to start on a worker', 60_000);
    process.kill(victim, 'SIGKILL');
    const result = await remote;

    expect(result.errors).toEqual([]);
    expect(result.status).toBe('success');
    expect(readdirSync(join(shared, 'remote')).sort()).toEqual(['final-0.txt', 's1-0.txt', 's2-0.txt']);
    for (const f of ['final-0.txt', 's1-0.txt', 's2-0.txt']) {
      expect(readFileText(join(shared, 'remote', f))).toBe(readFileText(join(shared, 'local', f)));
    }
    expect(readFileText(join(shared, 'remote', 'final-0.txt'))).toBe('one+two');
    expect(withoutTimes(result, join(shared, 'remote'))).toEqual(withoutTimes(local, join(shared, 'local')));
    const s1Starts = readTrace(trace).filter((l) => l.nodeId === 's1#0' && l.what === 'start' && q.workers.some((w) => w.pid === l.pid));
    expect(s1Starts.map((l) => l.pid)).toEqual([victim, q.workers.find((w) => w.pid !== victim)!.pid]);
    // The attempt on the second worker presents the same run id: what a sink keys its commit by.
    expect(new Set(readTrace(trace).filter((l) => q.workers.some((w) => w.pid === l.pid)).map((l) => l.runId))).toEqual(new Set([result.runId]));
    expect(result.events.some((e) => e.type === 'log' && /stopped answering/.test(e.msg))).toBe(true);
  });
}, 120_000);

describeWithService('redis', 'an interrupted run', () => {
  const q = queueFixture('pype_test_cancel');

  it('cancels its running task on the worker and withdraws queued ones, without dead letters', async () => {
    const project = napProject();
    q.workers = await spawnWorkers(1, { redis: REDIS, queue: q.queue, concurrency: 1, searchDirs: [project] });
    const shared = mkdtempSync(join(tmpdir(), 'pype-shared-'));
    const trace = join(shared, 'trace.log');
    // s1 and s2 are independent sub flows of equal order: with one worker, s2 waits in the queue.
    const yaml = napFlow('cancelme', [{ id: 'root', ms: 1 }, { id: 's1', ms: 30_000, trace }, { id: 's2', ms: 30_000, trace }], ['root (1|) s1', 'root (1|) s2']);
    const jobDir = buildJob(project, 'cancelme', yaml, join(shared, 'jobs'));
    const stop = new AbortController();
    const run = runJob(jobDir, { executor: q.executor, searchDirs: ['/nonexistent'], signal: stop.signal });
    await until(() => readTrace(trace).some((l) => l.what === 'start'), 'the first nap to start on the worker', 60_000);
    const t0 = Date.now();
    stop.abort(new Error('interrupted by the test'));
    const result = await run;
    expect(result.interrupted).toBe(true);
    expect(Date.now() - t0).toBeLessThan(15_000); // far below the 30 s nap, with room for a busy machine
    // The worker aborted the running nap: it logs the cancellation and is free again.
    await until(() => q.workers[0].output().includes('cancelled by its coordinator'), () => `the worker to log the cancellation; its output:\n${q.workers[0].output()}`);
    expect(readTrace(trace).filter((l) => l.what === 'end')).toEqual([]);
    expect(readTrace(trace).filter((l) => l.what === 'start')).toHaveLength(1); // the queued one never started
    const dlq = new Queue(deadLetterQueueName(q.queue), { connection: parseRedisUrl(REDIS), prefix: KEY_PREFIX });
    const work = new Queue(q.queue, { connection: parseRedisUrl(REDIS), prefix: KEY_PREFIX });
    try {
      expect(await dlq.count()).toBe(0);
      expect(await work.getJobCounts('active', 'waiting', 'delayed')).toMatchObject({ active: 0, waiting: 0, delayed: 0 });
    } finally {
      await Promise.all([dlq.close(), work.close()]);
    }
  });
}, 120_000);

/** A queue of its own for a describe block, its coordinator, and the workers the test starts. */
function queueFixture(prefix: string) {
  const q = { queue: uniqueName(prefix), workers: [] as WorkerProcess[], executor: undefined as unknown as BullmqExecutor };
  beforeAll(async () => {
    q.executor = await BullmqExecutor.connect({ redis: REDIS, queue: q.queue });
  });
  afterAll(async () => {
    await q.executor?.close();
    await Promise.all(q.workers.map((w) => w.stop()));
    await obliterateQueues(REDIS, q.queue);
  });
  return q;
}

function readFileText(file: string): string {
  return readFileSync(file, 'utf8');
}
