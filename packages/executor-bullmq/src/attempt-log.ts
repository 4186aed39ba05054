import type { Job, Queue } from 'bullmq';

/** One try of a task, as the dead-letter queue shows it. */
export interface AttemptRecord {
  attempt: number;
  worker: string;
  startedAt: string;
  finishedAt?: string;
  /** `stalled`: the worker stopped answering (killed, frozen) and never reported back. */
  outcome: 'succeeded' | 'failed' | 'stalled' | 'running';
  error?: string;
}

type Entry = { attempt: number; event: 'started' | 'failed' | 'finished'; worker?: string; at: string; error?: string };

/** Appends to the task's BullMQ job log, which survives the worker that wrote it. */
export function logAttempt(job: Job, entry: Entry): Promise<unknown> {
  return job.log(JSON.stringify(entry)).catch(() => 0);
}

/** Folds the job log into one record per attempt; an attempt that never ended stalled. */
export async function attemptHistory(queue: Queue, jobId: string, current?: number): Promise<AttemptRecord[]> {
  const { logs } = await queue.getJobLogs(jobId, 0, -1, true);
  const byAttempt = new Map<number, AttemptRecord>();
  for (const line of logs) {
    let e: Entry;
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (e.event === 'started') byAttempt.set(e.attempt, { attempt: e.attempt, worker: e.worker ?? '?', startedAt: e.at, outcome: 'stalled' });
    const rec = byAttempt.get(e.attempt);
    if (!rec || e.event === 'started') continue;
    Object.assign(rec, { finishedAt: e.at, outcome: e.event === 'failed' ? 'failed' : 'succeeded', ...(e.error ? { error: e.error } : {}) });
  }
  const records = [...byAttempt.values()].sort((a, b) => a.attempt - b.attempt);
  for (const r of records) if (r.attempt === current && r.outcome === 'stalled') r.outcome = 'running';
  return records;
}
