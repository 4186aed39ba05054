import { Queue, type Job } from 'bullmq';
import { PypeError, type SubflowTask } from '@pypeline/core';
import { attemptHistory, type AttemptRecord } from './attempt-log.js';
import { deadLetterQueueName, KEY_PREFIX } from './queue-names.js';
import { parseRedisUrl } from './redis-url.js';
import { frameOf, type TaskJobData } from './task-job.js';

/** A task that failed for good, with everything needed to understand and retry it. */
export interface DeadLetter {
  /** The task's job id (`<run>.<subflow>.<frame>`, `.retry-…` after a retry). */
  id: string;
  queue: string;
  flow: string;
  runId: string;
  subflow: string;
  frame: string;
  jobDir: string;
  error: { message: string; hint?: string };
  attempts: AttemptRecord[];
  deadAt: string;
  /** The serialised task: context, globals, statuses, frame. */
  task: SubflowTask;
  locks: string[];
  /** Job options to reuse when the task is retried. */
  jobOptions: { attempts: number; backoffMs: number };
}

/** Writes a dead letter; idempotent per task (the DLQ job id is the task's job id). */
export async function deadLetter(dlq: Queue, work: Queue, job: Job<TaskJobData>, error: DeadLetter['error']): Promise<void> {
  const { task, locks, flow } = job.data;
  const backoff = job.opts.backoff;
  const letter: DeadLetter = {
    id: job.id!, queue: work.name, flow, runId: task.runId, subflow: task.subflow, frame: frameOf(task), jobDir: task.jobDir,
    error, attempts: await attemptHistory(work, job.id!), deadAt: new Date().toISOString(), task, locks,
    jobOptions: { attempts: job.opts.attempts ?? 1, backoffMs: typeof backoff === 'object' ? (backoff.delay ?? 1000) : (backoff ?? 1000) },
  };
  await dlq.add('dead', letter, { jobId: job.id, removeOnComplete: true });
}

/** `pype dlq list|retry|drop`: the dead-letter queue of one work queue. */
export class DeadLetterQueue {
  private readonly dlq: Queue;
  private readonly work: Queue;

  constructor(redis: string, readonly queue: string) {
    const connection = parseRedisUrl(redis);
    this.dlq = new Queue(deadLetterQueueName(queue), { connection, prefix: KEY_PREFIX });
    this.work = new Queue(queue, { connection, prefix: KEY_PREFIX });
  }

  /** Oldest first. */
  async list(): Promise<DeadLetter[]> {
    const jobs = await this.dlq.getJobs(['wait', 'paused', 'prioritized', 'delayed'], 0, -1, true);
    return jobs.filter(Boolean).map((j) => j.data as DeadLetter);
  }

  /** Puts tasks back on the work queue (fresh attempts); returns the new job ids. */
  async retry(ids: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const letter of await this.pick(ids)) {
      const jobId = `${letter.id.replace(/\.retry-[a-z0-9]+$/, '')}.retry-${Date.now().toString(36)}`;
      const data: TaskJobData = { task: letter.task, locks: letter.locks, flow: letter.flow };
      await this.work.add(`${letter.flow}/${letter.subflow}`, data, {
        jobId, attempts: letter.jobOptions.attempts, backoff: { type: 'exponential', delay: letter.jobOptions.backoffMs },
        removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 86400 },
      });
      await this.dlq.remove(letter.id);
      out.push(jobId);
    }
    return out;
  }

  /** Deletes tasks from the dead-letter queue; returns their ids. */
  async drop(ids: string[]): Promise<string[]> {
    const letters = await this.pick(ids);
    for (const l of letters) await this.dlq.remove(l.id);
    return letters.map((l) => l.id);
  }

  /** The named letters (all of them for `[]`); an unknown id is an error naming the known ones. */
  private async pick(ids: string[]): Promise<DeadLetter[]> {
    const all = await this.list();
    if (!ids.length) return all;
    const missing = ids.filter((id) => !all.some((l) => l.id === id));
    if (missing.length) {
      throw new PypeError(`no dead letter ${missing.join(', ')} in ${deadLetterQueueName(this.queue)}`, {
        hint: all.length ? `run \`pype dlq list --queue ${this.queue}\` to see the ${all.length} there` : 'the dead-letter queue is empty',
      });
    }
    return all.filter((l) => ids.includes(l.id));
  }

  async close(): Promise<void> {
    await Promise.all([this.dlq.close(), this.work.close()]);
  }
}
