import type { PypeEvent } from '@pypeline/core';

export type RunPhase = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';

export interface RunError {
  nodeId?: string;
  subflow?: string;
  message: string;
  hint?: string;
}

/** A run as the store keeps it: everything but its events, which are kept one by one beside it. */
export interface StoredRun {
  /** The service's id, returned by POST at once (the engine's run id comes later as `runId`). */
  id: string;
  job: string;
  jobDir: string;
  status: RunPhase;
  /** The engine's id of the run's latest attempt. */
  runId?: string;
  contextName: string;
  /** The context values the request asked for (uploaded files: their saved paths). */
  context: Record<string, unknown>;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  errors: RunError[];
  /** Uploaded files, removed when the run ends. */
  uploadDir?: string;
  /**
   * True when the server stopped the run's attempt itself (a drain that ran past its grace
   * period): the next start continues it from its checkpoint.
   */
  resume?: boolean;
}

/**
 * Where `pype serve` keeps the runs it accepted, so that a restart loses none: each run is
 * saved before its 202 is sent and after every change, with its events. Calls are synchronous
 * (an embedded database); a write that fails throws.
 */
export interface RunStore {
  /** Where the runs are kept, for messages. */
  readonly location: string;
  /** Saves a run just accepted, durably: it must outlive a crash right after its 202. */
  add(run: StoredRun): void;
  /** Saves the run's current state; `durable` for a final status. */
  update(run: StoredRun, durable?: boolean): void;
  /** Appends the run's event number `seq` (0, 1, 2, …). */
  addEvent(id: string, seq: number, event: PypeEvent): void;
  get(id: string): StoredRun | undefined;
  /** The run's events from number `from` on, in order. */
  events(id: string, from?: number): PypeEvent[];
  /** Runs not finished (queued or running), oldest first. */
  unfinished(): StoredRun[];
  counts(): Record<RunPhase, number>;
  /** Forgets all but the newest `keep` finished runs, with their events. */
  forgetFinished(keep: number): void;
  close(): void;
}
