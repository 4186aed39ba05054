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
  /** The trigger that started the run; absent for a run posted over HTTP. */
  trigger?: RunTrigger;
}

/** What started a run on its own: one of the job's `triggers`, at one tick. */
export interface RunTrigger {
  kind: 'cron' | 'file_arrival' | 'job_success';
  /** The trigger's id in the flow. */
  id: string;
  /** Cron: the tick's time (ISO, UTC); file_arrival: the file's path; job_success: the id of the run that succeeded. */
  tick: string;
}

/** One firing of a trigger, kept so that it never fires twice for the same `key`. */
export interface TriggerFire {
  job: string;
  trigger: string;
  /** What makes the firing unique: the cron tick, the file's path and modification time, the run that succeeded. */
  key: string;
  /** The service id of the run it started. */
  run: string;
  firedAt: string;
}

/**
 * Where `pype serve` keeps the runs it accepted, so that a restart loses none: each run is
 * saved before its 202 is sent and after every change, with its events. Two kinds: an embedded
 * SQLite file (the default) and a PostgreSQL database (`--db postgres://…`), for a server whose
 * disk is not kept. A write that fails rejects. Writes of one run are issued one after another
 * by the registry, so a store may rely on their order.
 */
export interface RunStore {
  /** Where the runs are kept, for messages (never with a password). */
  readonly location: string;
  /** Saves a run just accepted, durably: it must outlive a crash right after its 202. */
  add(run: StoredRun): Promise<void>;
  /** Saves the run's current state; `durable` for a final status. */
  update(run: StoredRun, durable?: boolean): Promise<void>;
  /** Appends the run's event number `seq` (0, 1, 2, …). */
  addEvent(id: string, seq: number, event: PypeEvent): Promise<void>;
  get(id: string): Promise<StoredRun | undefined>;
  /** The run's events from number `from` on, in order. */
  events(id: string, from?: number): Promise<PypeEvent[]>;
  /** Runs not finished (queued or running), oldest first. */
  unfinished(): Promise<StoredRun[]>;
  /** The newest `limit` runs (of `job` when given), newest first: a job's history. */
  list(filter: { job?: string; limit: number }): Promise<StoredRun[]>;
  counts(): Promise<Record<RunPhase, number>>;
  /** Forgets all but the newest `keep` finished runs, with their events. */
  forgetFinished(keep: number): Promise<void>;
  /**
   * Saves a run a trigger started together with its fire, in one transaction (durably, as `add`):
   * false, and nothing saved, when the store holds that fire (job, trigger, key) already. This
   * is what keeps a trigger from firing twice for one tick across restarts.
   */
  addTriggered(run: StoredRun, fire: TriggerFire): Promise<boolean>;
  /** The trigger's newest fire. */
  lastFire(job: string, trigger: string): Promise<TriggerFire | undefined>;
  /** Which of `keys` the trigger has fired for. */
  firedKeys(job: string, trigger: string, keys: string[]): Promise<Set<string>>;
  /** When a server first saw the trigger (its first start after the trigger was built); saved by the first call as `now`. */
  armedSince(job: string, trigger: string, now: string): Promise<string>;
  close(): Promise<void>;
}

/** The columns both stores keep for a run (events are kept one row each beside it). */
export interface RunRow {
  id: string;
  job: string;
  job_dir: string;
  status: RunPhase;
  run_id: string | null;
  context_name: string;
  context: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  errors: string;
  upload_dir: string | null;
  resume: number;
  started_by: string | null;
}

/** The columns of a trigger fire. */
export interface FireRow {
  job: string;
  trigger: string;
  key: string;
  run: string;
  fired_at: string;
}

export function fromFireRow(row: FireRow): TriggerFire {
  return { job: row.job, trigger: row.trigger, key: row.key, run: row.run, firedAt: row.fired_at };
}

export function toRow(run: StoredRun): RunRow {
  return {
    id: run.id,
    job: run.job,
    job_dir: run.jobDir,
    status: run.status,
    run_id: run.runId ?? null,
    context_name: run.contextName,
    context: toJson(run.context),
    created_at: run.createdAt,
    started_at: run.startedAt ?? null,
    finished_at: run.finishedAt ?? null,
    duration_ms: run.durationMs !== undefined && Number.isFinite(run.durationMs) ? Math.round(run.durationMs) : null,
    errors: toJson(run.errors),
    upload_dir: run.uploadDir ?? null,
    resume: run.resume ? 1 : 0,
    started_by: run.trigger ? toJson(run.trigger) : null,
  };
}

export function fromRow(row: RunRow): StoredRun {
  const run: StoredRun = {
    id: row.id,
    job: row.job,
    jobDir: row.job_dir,
    status: row.status,
    contextName: row.context_name,
    context: JSON.parse(row.context),
    createdAt: row.created_at,
    errors: JSON.parse(row.errors),
  };
  if (row.run_id !== null) run.runId = row.run_id;
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  if (row.duration_ms !== null) run.durationMs = Number(row.duration_ms);
  if (row.upload_dir !== null) run.uploadDir = row.upload_dir;
  if (Number(row.resume)) run.resume = true;
  if (row.started_by) run.trigger = JSON.parse(row.started_by);
  return run;
}

export function emptyCounts(): Record<RunPhase, number> {
  return { queued: 0, running: 0, success: 0, failed: 0, cancelled: 0 };
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
}
