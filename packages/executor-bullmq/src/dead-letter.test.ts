import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executeSubflowTask, runJob } from '@pypeline/core';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { BullmqExecutor } from './bullmq-executor.js';
import { DeadLetterQueue } from './dead-letter.js';
import { KEY_PREFIX } from './queue-names.js';
import { startWorker, type TaskWorker } from './task-worker.js';
import { napFlow, napProject } from './testing/fixture-project.js';
import { buildJob, obliterateQueues, readTrace } from './testing/jobs.js';
import { spawnWorker } from './testing/spawn-workers.js';

const { host, port } = serviceAddress('redis');
const REDIS = `redis://${host}:${port}`;

describeWithService('redis', 'tasks that fail for good: refusals, retries, the dead-letter queue', () => {
  const queues: string[] = [];
  const workers: TaskWorker[] = [];
  const executors: BullmqExecutor[] = [];
  const dlqs: DeadLetterQueue[] = [];
  let project: string;
  let shared: string;

  beforeAll(() => {
    project = napProject('pype-dlq-a-', '1.0.0');
    shared = mkdtempSync(join(tmpdir(), 'pype-shared-'));
  });
  afterAll(async () => {
    await Promise.all([...executors.map((e) => e.close()), ...workers.map((w) => w.close()), ...dlqs.map((d) => d.close())]);
    for (const q of queues) await obliterateQueues(REDIS, q);
  });

  async function setUp(options: Partial<Parameters<typeof startWorker>[0]>, executorOptions: { attempts?: number; backoffMs?: number } = {}) {
    const queue = uniqueName('pype_test_dlq');
    queues.push(queue);
    const worker = startWorker({ redis: REDIS, queue, ...options });
    workers.push(worker);
    await worker.ready;
    const executor = await BullmqExecutor.connect({ redis: REDIS, queue, ...executorOptions });
    executors.push(executor);
    const dlq = new DeadLetterQueue(REDIS, queue);
    dlqs.push(dlq);
    return { queue, worker, executor, dlq };
  }

  it('a worker without the pinned major version refuses the task: no retry, a clear error on the run, a dead letter', async () => {
    const other = napProject('pype-dlq-b-', '2.0.0');
    const { executor, dlq } = await setUp({ searchDirs: [other] });
    const jobDir = buildJob(project, 'refused', napFlow('refused', [{ id: 'only', ms: 1, note: '{{context.who}}' }], [], 'context:\n  default:\n    who: nobody\n'), join(shared, 'jobs'));
    const result = await runJob(jobDir, { executor, searchDirs: ['/nonexistent'], contextOverrides: { who: 'ada' } });

    expect(result.status).toBe('failed');
    const error = result.errors[0];
    expect(error.message).toMatch(/subflow_1 \(only\) could not run on a worker: worker \S+ refused the task/);
    expect(error.message).toMatch(/only: the job pins @pypeline\/mod-nap@1\.0\.0 but 2\.0\.0 is installed/);
    expect(error.message).toMatch(/dead-lettered as \S+: see `pype dlq list --queue /);
    expect(error.hint).toMatch(/install the pinned packages/);
    expect(result.modules.map((m) => [m.nodeId, m.status])).toEqual([['only#0', 'skipped']]);

    const [letter, ...more] = await dlq.list();
    expect(more).toEqual([]);
    expect(letter).toMatchObject({ flow: 'refused', subflow: 'subflow_1', frame: '0', runId: result.runId, jobDir });
    expect(letter.task.context).toMatchObject({ who: 'ada' });
    expect(letter.error.message).toMatch(/refused the task/);
    expect(letter.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'failed' })]);
    expect(await dlq.drop([letter.id])).toEqual([letter.id]);
    expect(await dlq.list()).toEqual([]);
  });

  it('a task that keeps failing is retried with backoff, dead-lettered with its attempts, and `retry` runs it again', async () => {
    let failing = true;
    const calls: number[] = [];
    const { queue, executor, dlq } = await setUp({
      searchDirs: [project],
      execute: async (task, options) => {
        calls.push(Date.now());
        if (failing) throw new Error('disk full on /scratch');
        return executeSubflowTask(task, options);
      },
    }, { attempts: 2, backoffMs: 100 });
    const out = join(shared, 'retry-out');
    const jobDir = buildJob(project, 'flaky', napFlow('flaky', [{ id: 'write', ms: 1, note: 'hello', outDir: out }], []), join(shared, 'jobs'));
    const result = await runJob(jobDir, { executor, searchDirs: ['/nonexistent'] });

    expect(result.status).toBe('failed');
    expect(result.errors[0].message).toMatch(/disk full on \/scratch/);
    expect(calls).toHaveLength(2);
    expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(90);
    const [letter] = await dlq.list();
    expect(letter.attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'failed'], [2, 'failed']]);
    expect(letter.attempts[1].error).toMatch(/disk full/);
    expect(existsSync(out)).toBe(false);

    failing = false;
    const [again] = await dlq.retry([letter.id]);
    expect(again).toMatch(new RegExp(`^${letter.id.replace(/\./g, '\\.')}\\.retry-`));
    expect(await dlq.list()).toEqual([]);
    const q = new Queue(queue, { connection: { host, port }, prefix: KEY_PREFIX });
    let job: Job | undefined;
    try {
      await until(async () => Boolean((job = await Job.fromId(q, again))?.finishedOn), `the retried job ${again} to finish`, 60_000, 50);
    } finally {
      await q.close();
    }
    expect(job?.returnvalue?.status).toBe('success');
    expect(readFileSync(join(out, 'write-0.txt'), 'utf8')).toBe('hello');
    await expect(dlq.drop(['no-such-letter'])).rejects.toThrow(/no dead letter no-such-letter/);
  });

  it('a task whose worker dies more often than allowed is dead-lettered with its stalled attempt', async () => {
    const queue = uniqueName('pype_test_dlq');
    queues.push(queue);
    const stall = { lockDurationMs: 1000, stalledIntervalMs: 500, maxStalledCount: 0 };
    const doomed = await spawnWorker({ redis: REDIS, queue, searchDirs: [project], ...stall });
    const executor = await BullmqExecutor.connect({ redis: REDIS, queue });
    executors.push(executor);
    const trace = join(shared, 'stall-trace.log');
    const jobDir = buildJob(project, 'stalls', napFlow('stalls', [{ id: 'slow', ms: 20_000, trace }], []), join(shared, 'jobs'));
    const run = runJob(jobDir, { executor, searchDirs: ['/nonexistent'] });
    await until(() => readTrace(trace).some((l) => l.pid === doomed.pid), () => `the doomed worker to start the task; its output:\n${doomed.output()}`, 60_000);
    process.kill(doomed.pid, 'SIGKILL');
    const survivor = startWorker({ redis: REDIS, queue, searchDirs: [project], ...stall });
    workers.push(survivor);
    const result = await run;

    expect(result.status).toBe('failed');
    expect(result.errors[0].message).toMatch(/job stalled more than allowable limit/);
    const dlq = new DeadLetterQueue(REDIS, queue);
    dlqs.push(dlq);
    let letters = await dlq.list();
    await until(async () => (letters = await dlq.list()).length > 0, 'the stalled task in the dead-letter queue', 30_000, 50);
    expect(letters).toHaveLength(1);
    expect(letters[0].attempts).toEqual([expect.objectContaining({ attempt: 1, worker: expect.stringMatching(new RegExp(`:${doomed.pid}$`)), outcome: 'stalled' })]);
  });
}, 120_000);
