import { hostname } from 'node:os';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { executeSubflowTask, formatMs, PypeError, TaskCache, type PypeEvent } from '@pypeline/core';
import { logAttempt } from './attempt-log.js';
import { deadLetter } from './dead-letter.js';
import { cancelChannel, deadLetterQueueName, DEFAULT_QUEUE, KEY_PREFIX, type CancelRequest } from './queue-names.js';
import { acquireLocks, releaseAll, type Lease } from './redis-lock.js';
import { closeWhileDown, RedisOutage } from './redis-outage.js';
import { redisConnection } from './redis-url.js';
import { SharedDirectoryStore, type SharedArtifactStore } from './shared-artifacts.js';
import { EventForwarder, type TaskReturn } from './task-events.js';
import { decodeFailure, encodeFailure } from './task-failure.js';
import { taskLabel, type TaskJobData } from './task-job.js';
import { errorMessage, type Thrown } from '@pypeline/sdk';

export interface WorkerOptions {
  redis: string;
  queue?: string;
  /** Tasks run at once in this process. Default 1. */
  concurrency?: number;
  /** Where this worker finds installed modules (its project folder). Default: cwd. */
  searchDirs?: string[];
  artifacts?: SharedArtifactStore;
  /** A task whose worker stops renewing its lock this long is stalled and handed to another worker. Default 30000 ms. */
  lockDurationMs?: number;
  /** How often workers look for stalled tasks. Default 30000 ms (at most lockDurationMs is sensible). */
  stalledIntervalMs?: number;
  /** Stalls a task may survive before it is dead-lettered. Default 2. */
  maxStalledCount?: number;
  /** Lease of exclusive-resource locks: how long a dead holder blocks others. Default 30000 ms. */
  lockLeaseMs?: number;
  /** Progress lines for a person (`pype worker` prints them). */
  report?: (line: string) => void;
  /** Redis connection errors with their stacks (`--debug`). */
  debug?: boolean;
  /** The engine entry point; replaced in tests to simulate failures. */
  execute?: typeof executeSubflowTask;
  /** Watches each task this worker runs (`pype worker` traces them when tracing is on). */
  observeTask?: (data: TaskJobData) => TaskObserver | undefined;
}

/** Sees one task's engine events as they happen, then its end, however it ends. */
export interface TaskObserver {
  onEvent(event: PypeEvent): void;
  end(): void;
}

export interface TaskWorker {
  /** `host:pid`, as attempts and messages name this worker. */
  name: string;
  /** Resolves once the worker listens on the queue. */
  ready: Promise<void>;
  /** Stops taking tasks and waits for running ones (`force`: abandons them to the stalled check). */
  close(force?: boolean): Promise<void>;
}

/** How long a task runs before the worker prints that it started. */
const START_LINE_MS = 1000;

/** A lock that expired under a running task: the task is retried, not dead-lettered. */
class LockLostError extends Error {}

/**
 * `pype worker`: takes sub-flow tasks from the queue and runs them with the engine. Errors the
 * user must fix (a module package or major version this worker lacks, a job folder it cannot
 * read) fail the task at once into the dead-letter queue; other errors are retried with
 * backoff; a worker that dies mid-task leaves it to the stalled check of the others.
 */
export function startWorker(options: WorkerOptions): TaskWorker {
  const name = `${hostname()}:${process.pid}`;
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const connection = redisConnection(options.redis);
  const report = options.report ?? (() => {});
  // Every connection below reports to this: one line when Redis goes away, one when it is back.
  const redis = new RedisOutage({
    redis: options.redis, report, debug: options.debug,
    waiting: 'waiting for it to return (Ctrl-C to stop); running tasks go on, and a task that cannot report its result runs again once Redis is back',
    onOtherError: (err) => report(`! ${err.message}`),
  });
  const execute = options.execute ?? executeSubflowTask;
  const store = options.artifacts ?? new SharedDirectoryStore();
  // Jobs, modules and thread pools of earlier tasks: a job's next task reads no folder, imports
  // nothing, and finds its threads started.
  const cache = new TaskCache();
  const locks = new Redis({ ...connection, maxRetriesPerRequest: null });
  const work = new Queue(queueName, { connection, prefix: KEY_PREFIX });
  const dlq = new Queue(deadLetterQueueName(queueName), { connection, prefix: KEY_PREFIX });
  for (const client of [locks, work, dlq]) redis.watch(client);
  // Tasks the processor dead-lettered itself, so the 'failed' listener does not write them again
  // (after `pype dlq drop`, a late second write would bring a letter back).
  const lettered = new Set<string>();
  // Tasks their coordinator cancelled (the run was interrupted): failed, not dead-lettered.
  const cancelled = new Set<string>();

  const processor = async (job: Job<TaskJobData>, _token?: string, signal?: AbortSignal): Promise<TaskReturn> => {
    const label = taskLabel(job.data);
    const attempt = job.attemptsStarted;
    const forward = new EventForwarder((batch) => job.updateProgress(batch));
    const observer = options.observeTask?.(job.data);
    const onEvent = observer ? (e: PypeEvent) => (forward.push(e), observer.onEvent(e)) : forward.push;
    // Not awaited: commands on the worker's connection reach Redis in order, before the result.
    void logAttempt(job, { attempt, event: 'started', worker: name, at: new Date().toISOString() });
    if (attempt > 1) forward.push({ type: 'log', level: 'warn', msg: `${label}: attempt ${attempt}, on worker ${name}` });
    // One line per short task (its end); a task still running after a second also says it
    // started: the second line was a synchronous write per task (3-4% of a worker's CPU on no-op tasks).
    const startLine = setTimeout(() => report(`→ ${label}  run ${job.data.task.runId}${attempt > 1 ? `  attempt ${attempt}` : ''}`), START_LINE_MS);
    const t0 = Date.now();
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    let leases: Lease[] = [];
    try {
      leases = await acquireLocks(locks, job.data.locks, {
        leaseMs: options.lockLeaseMs, holder: `${name} (${label})`, signal: controller.signal,
        onWait: (resource, heldBy) => forward.push({ type: 'log', level: 'info', msg: `${label}: waiting for exclusive resource ${resource}, held by ${heldBy}` }),
      });
      for (const l of leases) l.lost.addEventListener('abort', () => controller.abort(new LockLostError((l.lost.reason as Error).message)), { once: true });
      const task = { ...job.data.task, artifactDir: store.stagingDir(job.data.task) };
      const result = await execute(task, { searchDirs: options.searchDirs ?? [process.cwd()], onEvent, signal: controller.signal, cache });
      if (controller.signal.reason instanceof LockLostError) throw controller.signal.reason;
      if (cancelled.delete(job.id!)) {
        await forward.flush();
        void logAttempt(job, { attempt, event: 'failed', error: 'cancelled by its coordinator', at: new Date().toISOString() });
        report(`✗ ${label}  cancelled by its coordinator (the run was interrupted)`);
        return result; // nobody waits for it; completing it keeps it out of retries and dead letters
      }
      result.lists = await store.publish(result.lists);
      // No 'finished' line in the job's log: a task whose attempt completed is never dead-lettered,
      // and the attempt history is read only for dead letters. The last events travel with the result.
      const events = await forward.rest();
      report(`${result.status === 'success' ? '✓' : '✗'} ${label}  ${formatMs(Date.now() - t0)}${result.status === 'success' ? '' : `  ${result.errors[0]?.message.split('\n')[0] ?? 'failed'}`}`);
      return events.length ? { ...result, events } : result;
    } catch (err) {
      throw await failAttempt(job, err, attempt, forward, label);
    } finally {
      clearTimeout(startLine);
      observer?.end();
      await releaseAll(leases);
    }
  };

  /** Records the failed attempt, dead-letters a final one, and returns what BullMQ should see. */
  const failAttempt = async (job: Job<TaskJobData>, err: unknown, attempt: number, forward: EventForwarder, label: string): Promise<Error> => {
    if (cancelled.has(job.id!)) {
      await logAttempt(job, { attempt, event: 'failed', error: 'cancelled by its coordinator', at: new Date().toISOString() });
      await forward.flush();
      report(`✗ ${label}  cancelled by its coordinator (the run was interrupted)`);
      return new UnrecoverableError('cancelled: the run was interrupted');
    }
    const refused = err instanceof PypeError;
    const message = refused ? `worker ${name} refused the task: ${err.message}` : `on worker ${name}: ${errorMessage(err)}`;
    const final = refused || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await logAttempt(job, { attempt, event: 'failed', error: message, at: new Date().toISOString() });
    if (final) {
      lettered.add(job.id!);
      await deadLetter(dlq, work, job, { message, hint: (err as Thrown)?.hint });
    }
    else forward.push({ type: 'log', level: 'warn', msg: `${label}: attempt ${attempt} failed (${message}); it will be retried` });
    await forward.flush();
    report(`✗ ${label}  ${message.split('\n')[0]}${final ? '  (dead-lettered)' : '  (will retry)'}`);
    const encoded = encodeFailure(message, (err as Thrown)?.hint);
    return refused ? new UnrecoverableError(encoded) : new Error(encoded);
  };

  const worker = new Worker<TaskJobData, TaskReturn>(queueName, processor, {
    connection, prefix: KEY_PREFIX, name,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 2,
  });
  // Tasks that stalled too often fail without reaching the processor: dead-letter them here.
  worker.on('failed', (job, err) => {
    if (!job?.finishedOn || lettered.delete(job.id!) || cancelled.delete(job.id!)) return;
    void deadLetter(dlq, work, job, decodeFailure(err?.message)).catch(() => {});
  });
  worker.on('stalled', (jobId) => report(`! task ${jobId} stalled (its worker stopped answering); back to the queue`));
  redis.watch(worker);

  // Coordinators ask every worker to cancel a task; the one running it aborts it.
  const subscriber = new Redis({ ...connection, maxRetriesPerRequest: null });
  redis.watch(subscriber);
  void subscriber.subscribe(cancelChannel(queueName)).catch(() => {});
  subscriber.on('message', (_channel, text: string) => {
    let request: CancelRequest;
    try {
      request = JSON.parse(text) as CancelRequest;
    } catch {
      return;
    }
    cancelled.add(request.jobId);
    if (!worker.cancelJob(request.jobId, request.reason)) cancelled.delete(request.jobId); // not running here
  });

  let closed: Promise<void> | undefined;
  return {
    name,
    ready: worker.waitUntilReady().then(() => {}),
    close(force = false) {
      closed ??= (async () => {
        subscriber.disconnect();
        // A graceful close waits for Redis to answer, which it cannot while it is away.
        const down = redis.down;
        redis.close();
        await worker.close(force || down);
        await cache.close();
        if (down) await closeWhileDown([work, dlq]);
        else await Promise.all([work.close(), dlq.close()]);
        locks.disconnect();
      })();
      return closed;
    },
  };
}
