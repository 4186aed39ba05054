import { Checkpoint, type EventOf, type PypeEvent } from '@pypeline/core';
import type { RunError, RunPhase, StoredRun } from './run-store.js';
import { errorMessage } from '@pypeline/sdk';

/** What to do with a run an earlier server process left unfinished. */
export type ResumePlan =
  | { action: 'start'; resume: boolean }
  | { action: 'finish'; status: RunPhase; errors: RunError[] };

/**
 * Decides how a run that a stopped server left behind goes on. A queued run starts. A run whose
 * attempt was cut off (the server died, or stopped it at the end of a drain) continues from the
 * job folder's checkpoint when that checkpoint is the run's own; an attempt that had already
 * finished keeps its outcome; an attempt that never started an engine run starts afresh; any
 * other run is failed with the reason, never dropped.
 */
export function resumePlan(run: StoredRun, events: readonly PypeEvent[]): ResumePlan {
  if (run.status === 'queued' && !run.resume) return { action: 'start', resume: false };
  const started = events.filter((e): e is EventOf<'run.started'> => e.type === 'run.started');
  if (!started.length) return { action: 'start', resume: false };
  const last = events.lastIndexOf(started.at(-1)!);
  const finished = events.slice(last).find((e): e is EventOf<'run.finished'> => e.type === 'run.finished');
  // A drain that ran out of time interrupted the attempt on purpose: its run.finished says so.
  if (finished && !run.resume) {
    return { action: 'finish', status: finished.status === 'success' ? 'success' : 'failed', errors: finished.error ? [{ message: finished.error }] : [] };
  }
  const owner = checkpointOwner(run.jobDir);
  if ('error' in owner) return interrupted(run, owner.error);
  // A resumed attempt keeps the checkpoint's run id: the checkpoint is the run's when any of its attempts made it.
  if (owner.runId && started.some((e) => e.runId === owner.runId)) return { action: 'start', resume: true };
  return interrupted(run, owner.runId ? `the job folder's checkpoint belongs to another run (${owner.runId})` : 'the job folder holds no checkpoint of it');
}

function checkpointOwner(jobDir: string): { runId?: string } | { error: string } {
  if (!Checkpoint.exists(jobDir)) return {};
  try {
    return { runId: Checkpoint.load(jobDir).data.runId };
  } catch (err) {
    return { error: errorMessage(err) };
  }
}

function interrupted(run: StoredRun, why: string): ResumePlan {
  return {
    action: 'finish',
    status: 'failed',
    errors: [{
      message: `interrupted: the server stopped while run ${run.id} was running, and it cannot be resumed: ${why}`,
      hint: `post the run again (POST /jobs/${run.job}/runs); the engine log of its last attempt is in ${run.jobDir}/logs${run.runId ? `/run-${run.runId}.jsonl` : ''}`,
    }],
  };
}
