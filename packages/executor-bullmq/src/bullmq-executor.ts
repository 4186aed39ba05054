import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadJob, PypeError, type EventPayload, type SubflowExecutor, type SubflowTask, type SubflowTaskResult } from '@pypeline/core';
import { assertRedisReachable } from './check-redis.js';
import { exclusiveResources } from './exclusive-resources.js';
import { cancelChannel, deadLetterQueueName, DEFAULT_QUEUE, KEY_PREFIX, type CancelRequest } from './queue-names.js';
import { closeWhileDown, RedisOutage } from './redis-outage.js';
import { redisConnection } from './redis-url.js';
import { SharedDirectoryStore, type SharedArtifactStore } from './shared-artifacts.js';
import { isEventBatch, unpackReturn, type TaskReturn } from './task-events.js';
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
  /** How long a run waits for Redis to come back before it stops (`outage` aborts). Default 5 min. */
  outageLimitMs?: number;
  /** Named in the give-up message as what sets the limit, e.g. `--redis-outage-limit`. */
  outageLimitSource?: string;
  /** Lines for a person about Redis outages. Default: stderr. */
  report?: (line: string) => void;
  /** Connection errors with their stacks. */
  debug?: boolean;
  /** The W3C traceparent a run's tasks carry to their workers (the run's span when tracing). */
  traceparent?: (runId: string) => string | undefined;
}

/** Default of `outageLimitMs`. */
export const DEFAULT_OUTAGE_LIMIT_MS = 5 * 60_000;

interface Waiter {
  label: string;
  data: TaskJobData;
  since: number;
  /** Redis reconnects seen when the task was queued: after a later one its job may be gone with Redis's data. */
  reconnects: number;
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
  private readonly redis: RedisOutage;
  private readonly gaveUp = new AbortController();
  private polling = false;

  /** Checks that Redis answers, then connects. */
  static async connect(options: BullmqExecutorOptions): Promise<BullmqExecutor> {
    await assertRedisReachable(options.redis);
    return new BullmqExecutor(options);
  }

  constructor(private readonly options: BullmqExecutorOptions) {
    const name = options.queue ?? DEFAULT_QUEUE;
    this.store = options.artifacts ?? new SharedDirectoryStore();
    this.redis = new RedisOutage({
      redis: options.redis,
      report: options.report ?? ((line) => void process.stderr.write(`${line}\n`)),
      waiting: 'waiting for it to return (Ctrl-C to stop; the run can be resumed)',
      limitMs: options.outageLimitMs ?? DEFAULT_OUTAGE_LIMIT_MS,
      limitSource: options.outageLimitSource,
      onGiveUp: (error) => this.giveUp(error),
      onUp: () => void this.poll(true),
      debug: options.debug,
    });
    // Commands wait for Redis to return instead of failing after a few reconnects: the outage
    // limit bounds the wait, and queue.add races the run's signal.
    const connection = { ...redisConnection(options.redis), maxRetriesPerRequest: null };
    this.queue = new Queue<TaskJobData>(name, { connection, prefix: KEY_PREFIX });
    this.redis.watch(this.queue);
    // Reading from a moment ago instead of `$` closes the gap before the first XREAD.
    this.events = new QueueEvents(name, { connection, prefix: KEY_PREFIX, lastEventId: `${Date.now() - 1000}-0` });
    this.redis.watch(this.events);
    this.events.on('progress', ({ jobId, data }) => {
      const w = this.waiters.get(jobId);
      if (w && isEventBatch(data)) for (const e of data.events) w.onEvent(e);
    });
    this.events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, returnvalue as unknown as TaskReturn));
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

  /** Aborts when Redis stayed away longer than the outage limit; its reason is the error to report. */
  get outage(): AbortSignal {
    return this.gaveUp.signal;
  }

  async run(task: SubflowTask, onEvent: (event: EventPayload) => void, signal?: AbortSignal): Promise<SubflowTaskResult> {
    await this.ready;
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new PypeError('interrupted');
    const run = this.runInfo(task);
    const traceparent = this.options.traceparent?.(task.runId);
    const data: TaskJobData = { task, locks: run.locks.get(task.subflow) ?? [], flow: run.flow, ...(traceparent ? { traceparent } : {}) };
    const id = taskJobId(task);
    const label = taskLabel(data);
    const done = new Promise<SubflowTaskResult>((resolve, reject) => this.waiters.set(id, { label, data, since: Date.now(), reconnects: this.redis.reconnects, onEvent, resolve, reject }));
    // Registered before queueing: while Redis is away, queue.add waits, and Ctrl-C or the
    // outage limit must still end the wait.
    const cancel = () => void this.cancel(id, signal!.reason);
    signal?.addEventListener('abort', cancel, { once: true });
    let result: SubflowTaskResult;
    try {
      await Promise.race([this.add(id, data), done]);
      onEvent({ type: 'log', level: 'debug', msg: `${label}: queued on ${this.queue.name} as ${id}` });
      result = await done;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    result.lists = await this.store.fetch(result.lists);
    run.files.push(...Object.values(result.lists));
    return result;
  }

  private async add(id: string, data: TaskJobData): Promise<void> {
    const label = taskLabel(data);
    try {
      await this.queue.add(label, data, {
        jobId: id,
        attempts: this.options.attempts ?? 3,
        backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
        removeOnComplete: { age: 3600 },
        removeOnFail: { age: 7 * 86400 },
      });
      // Cancelled while it was being queued: cancel() found nothing to remove then, so remove it now.
      if (!this.waiters.has(id)) await this.queue.remove(id).catch(() => 0);
    } catch (err) {
      const w = this.waiters.get(id);
      this.waiters.delete(id);
      w?.reject(new PypeError(`cannot queue ${label}: ${errorMessage(err)}`, { hint: 'check that Redis is reachable and has memory left' }));
    }
  }

  /** The outage limit was reached: the run stops (through `outage`), and every waiting task with it. */
  private giveUp(error: PypeError): void {
    this.gaveUp.abort(error);
    for (const w of this.waiters.values()) w.reject(error);
    this.waiters.clear();
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
    const down = this.redis.down;
    this.redis.close();
    // A graceful close waits for Redis to answer QUIT, which it cannot while it is away.
    if (down) await closeWhileDown([this.events, this.queue]);
    else await Promise.all([this.events.close(), this.queue.close()]);
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

  private settle(jobId: string, value: TaskReturn): void {
    const w = this.waiters.get(jobId);
    if (!w) return;
    this.waiters.delete(jobId);
    const { events, result } = unpackReturn(value);
    for (const e of events) w.onEvent(e);
    w.resolve(result);
  }

  private fail(jobId: string, reason: string | undefined): void {
    const w = this.waiters.get(jobId);
    if (!w) return;
    this.waiters.delete(jobId);
    w.reject(failureError(reason, `\n  (dead-lettered as ${jobId}: see \`pype dlq list --queue ${this.queue.name}\`; dead letters wait in ${deadLetterQueueName(this.queue.name)})`));
  }

  /**
   * The safety net: tasks waiting long (`all`: every task, when Redis is back) are looked up, in
   * case their final event was missed, or their job was lost with Redis's data. One pipelined
   * round trip asks for all of them; only a task that finished or is gone is read in full.
   */
  private async poll(all = false): Promise<void> {
    if (this.polling || this.redis.down) return;
    this.polling = true;
    try {
      const now = Date.now();
      const old = [...this.waiters.entries()].filter(([, w]) => all || now - w.since > (this.options.pollMs ?? 5000));
      if (!old.length) return;
      const client = (await this.queue.client) as unknown as Redis;
      const pipeline = client.pipeline();
      for (const [id] of old) pipeline.hmget(this.queue.toKey(id), 'finishedOn', 'timestamp');
      const replies = (await pipeline.exec()) ?? [];
      for (const [i, [id, w]] of old.entries()) {
        const [err, fields] = replies[i] ?? [];
        const [finishedOn, timestamp] = (fields ?? []) as Array<string | null>;
        if (!err && (finishedOn || !timestamp)) await this.check(id, w);
      }
    } catch {
      // Redis hiccup: try again on the next tick.
    } finally {
      this.polling = false;
    }
  }

  private async check(id: string, w: Waiter): Promise<void> {
    const job = await Job.fromId<TaskJobData, TaskReturn>(this.queue, id);
    if (this.waiters.get(id) !== w) return; // settled meanwhile
    if (job?.finishedOn && job.failedReason) this.fail(id, job.failedReason);
    else if (job?.finishedOn) this.settle(id, job.returnvalue);
    else if (!job && this.redis.reconnects > w.reconnects) {
      // Redis restarted without its data since the task was queued: queue it again under the
      // same id. A worker that still runs the lost copy cannot complete it (its lock is gone);
      // sinks keyed by run and frame (postgres_sink's ledger) do not load twice.
      w.onEvent({ type: 'log', level: 'warn', msg: `${w.label}: its task was lost with Redis's data (Redis restarted without persistence?); queued it again` });
      w.reconnects = this.redis.reconnects;
      w.since = Date.now();
      await this.add(id, w.data);
    } else if (!job) {
      this.waiters.delete(id);
      w.reject(new PypeError(`${w.label} (${id}) disappeared from queue ${this.queue.name}`, { hint: 'someone removed it (e.g. obliterated the queue); run again with --resume' }));
    }
  }
}
