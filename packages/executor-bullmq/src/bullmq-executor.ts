import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadJob, PypeError, type EventPayload, type SubflowExecutor, type SubflowTask, type SubflowTaskResult } from '@pypeline/core';
import { assertRedisReachable } from './check-redis.js';
import { exclusiveResources } from './exclusive-resources.js';
import { cancelChannel, deadLetterQueueName, DEFAULT_QUEUE, KEY_PREFIX, type CancelRequest } from './queue-names.js';
import { parseRedisUrl } from './redis-url.js';
import { SharedDirectoryStore, type SharedArtifactStore } from './shared-artifacts.js';
import { isEventBatch } from './task-events.js';
import { failureError } from './task-failure.js';
import { taskJobId, taskLabel, type TaskJobData } from './task-job.js';
import { errorMessage } from '@pypeline/sdk';

export interface BullmqExecutorOptions {
  redis: string;
  queue?: string;
  /** Tries per task before it is dead-lettered (a stall is not a try: see the worker's maxStalledCount). Default 3. */
  attempts?: number;
  /** First retry delay; doubles each time. Default 1000 ms. */
  backoffMs?: number;
  artifacts?: SharedArtifactStore;
  /** How often tasks older than this are looked up directly, in case an event was missed. Default 5000 ms. */
  pollMs?: number;
}

interface Waiter {
  label: string;
  since: number;
  onEvent: (event: EventPayload) => void;
  resolve: (result: SubflowTaskResult) => void;
  reject: (error: Error) => void;
}

/**
 * The coordinator's side of the queue: each sub flow the scheduler hands over becomes a BullMQ
 * job; the worker's events come back through `job.updateProgress` and QueueEvents, and the
 * result through the job's return value.
 */
export class BullmqExecutor implements SubflowExecutor {
  private readonly queue: Queue<TaskJobData>;
  private readonly events: QueueEvents;
  private readonly waiters = new Map<string, Waiter>();
  private readonly store: SharedArtifactStore;
  private readonly runs = new Map<string, { flow: string; locks: Map<string, string[]>; files: string[] }>();
  private readonly ready: Promise<unknown>;
  private readonly poller: NodeJS.Timeout;

  /** Checks that Redis answers, then connects. */
  static async connect(options: BullmqExecutorOptions): Promise<BullmqExecutor> {
    await assertRedisReachable(options.redis);
    return new BullmqExecutor(options);
  }

  constructor(private readonly options: BullmqExecutorOptions) {
    const connection = parseRedisUrl(options.redis);
    const name = options.queue ?? DEFAULT_QUEUE;
    this.store = options.artifacts ?? new SharedDirectoryStore();
    this.queue = new Queue<TaskJobData>(name, { connection, prefix: KEY_PREFIX });
    // Reading from a moment ago instead of `$` closes the gap before the first XREAD.
    this.events = new QueueEvents(name, { connection, prefix: KEY_PREFIX, lastEventId: `${Date.now() - 1000}-0` });
    this.events.on('progress', ({ jobId, data }) => {
      const w = this.waiters.get(jobId);
      if (w && isEventBatch(data)) for (const e of data.events) w.onEvent(e);
    });
    this.events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, returnvalue as unknown as SubflowTaskResult));
    this.events.on('failed', ({ jobId, failedReason }) => this.fail(jobId, failedReason));
    this.events.on('stalled', ({ jobId }) => {
      const w = this.waiters.get(jobId);
      w?.onEvent({ type: 'log', level: 'warn', msg: `${w.label}: its worker stopped answering (killed or frozen); the task goes back to the queue for another worker` });
    });
    this.ready = Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    this.poller = setInterval(() => void this.poll(), options.pollMs ?? 5000);
    this.poller.unref();
  }

  get queueName(): string {
    return this.queue.name;
  }

  async run(task: SubflowTask, onEvent: (event: EventPayload) => void, signal?: AbortSignal): Promise<SubflowTaskResult> {
    await this.ready;
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new PypeError('interrupted');
    const run = this.runInfo(task);
    const data: TaskJobData = { task, locks: run.locks.get(task.subflow) ?? [], flow: run.flow };
    const id = taskJobId(task);
    const label = taskLabel(data);
    const done = new Promise<SubflowTaskResult>((resolve, reject) => this.waiters.set(id, { label, since: Date.now(), onEvent, resolve, reject }));
    try {
      await this.queue.add(label, data, {
        jobId: id,
        attempts: this.options.attempts ?? 3,
        backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
        removeOnComplete: { age: 3600 },
        removeOnFail: { age: 7 * 86400 },
      });
    } catch (err) {
      this.waiters.delete(id);
      throw new PypeError(`cannot queue ${label}: ${errorMessage(err)}`, { hint: 'check that Redis is reachable and has memory left' });
    }
    onEvent({ type: 'log', level: 'debug', msg: `${label}: queued on ${this.queue.name} as ${id}` });
    const cancel = () => void this.cancel(id, signal!.reason);
    signal?.addEventListener('abort', cancel, { once: true });
    // An abort while the task was being queued fired before the listener existed.
    if (signal?.aborted) cancel();
    let result: SubflowTaskResult;
    try {
      result = await done;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    result.lists = await this.store.fetch(result.lists);
    run.files.push(...Object.values(result.lists));
    return result;
  }

  /**
   * Withdraws a task the run no longer wants: removed from the queue if no worker took it yet,
   * else its worker is asked (Redis pub/sub) to abort it. The waiting run is answered at once.
   */
  private async cancel(jobId: string, reason: unknown): Promise<void> {
    const w = this.waiters.get(jobId);
    this.waiters.delete(jobId);
    const why = reason instanceof Error ? reason.message : 'the run was interrupted';
    w?.onEvent({ type: 'log', level: 'info', msg: `${w.label}: cancelling its task on the workers (${why})` });
    w?.reject(reason instanceof Error ? reason : new PypeError(why));
    try {
      const removed = await this.queue.remove(jobId);
      if (removed === 1) return; // not started: nothing runs it
      const message: CancelRequest = { jobId, reason: why };
      // BullMQ's connection is an ioredis client.
      const client = (await this.queue.client) as unknown as Redis;
      await client.publish(cancelChannel(this.queue.name), JSON.stringify(message));
    } catch {
      // Redis is away: the task finishes on its worker; its result is ignored.
    }
  }

  /** Forgets a finished run: its list artifacts are deleted (the checkpoint keeps its own copies). */
  async releaseRun(runId: string): Promise<void> {
    const run = this.runs.get(runId);
    this.runs.delete(runId);
    if (run) await this.store.discard(run.files);
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    for (const [id, w] of this.waiters) w.reject(new PypeError(`${w.label} (${id}) was abandoned: the coordinator closed its queue connection`));
    this.waiters.clear();
    for (const runId of [...this.runs.keys()]) await this.releaseRun(runId);
    await Promise.all([this.events.close(), this.queue.close()]);
  }

  private runInfo(task: SubflowTask) {
    let run = this.runs.get(task.runId);
    if (!run) {
      const job = loadJob(task.jobDir);
      run = { flow: job.name, locks: exclusiveResources(job), files: [] };
      this.runs.set(task.runId, run);
    }
    return run;
  }

  private settle(jobId: string, result: SubflowTaskResult): void {
    const w = this.waiters.get(jobId);
    if (!w) return;
    this.waiters.delete(jobId);
    w.resolve(result);
  }

  private fail(jobId: string, reason: string | undefined): void {
    const w = this.waiters.get(jobId);
    if (!w) return;
    this.waiters.delete(jobId);
    w.reject(failureError(reason, `\n  (dead-lettered as ${jobId}: see \`pype dlq list --queue ${this.queue.name}\`; dead letters wait in ${deadLetterQueueName(this.queue.name)})`));
  }

  /** The safety net: tasks waiting long are looked up, in case their final event was missed. */
  private async poll(): Promise<void> {
    const old = [...this.waiters.entries()].filter(([, w]) => Date.now() - w.since > (this.options.pollMs ?? 5000));
    for (const [id, w] of old) {
      try {
        const job = await Job.fromId<TaskJobData, SubflowTaskResult>(this.queue, id);
        if (!job) w.reject(new PypeError(`${w.label} (${id}) disappeared from queue ${this.queue.name}`, { hint: 'someone removed it (e.g. obliterated the queue); run again with --resume' }));
        else if (job.finishedOn && job.failedReason) this.fail(id, job.failedReason);
        else if (job.finishedOn) this.settle(id, job.returnvalue);
        if (!job) this.waiters.delete(id);
      } catch {
        // Redis hiccup: try again on the next tick.
      }
    }
  }
}
