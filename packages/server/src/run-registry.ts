import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { runJob, summarize, type ModuleSummary, type PypeEvent, type RunOptions, type SubflowExecutor } from '@pypeline/core';
import { errorMessage, type Thrown } from '@pypeline/sdk';

export type RunPhase = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';

/** One run the service accepted, from 202 to its end. */
export interface RunRecord {
  /** The service's id, returned by POST at once (the engine's run id comes later as `runId`). */
  id: string;
  job: string;
  jobDir: string;
  status: RunPhase;
  runId?: string;
  contextName: string;
  context: Record<string, unknown>;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  errors: Array<{ nodeId?: string; subflow?: string; message: string; hint?: string }>;
  events: PypeEvent[];
  /** Uploaded files, removed when the run ends. */
  uploadDir?: string;
}

/** What GET /runs/:id answers. */
export interface RunView extends Omit<RunRecord, 'events' | 'jobDir' | 'uploadDir'> {
  modules: ModuleSummary[];
  events: number;
}

/** An executor that can forget a run's shared artifacts once it is over (BullmqExecutor can). */
type Executor = SubflowExecutor & { releaseRun?(runId: string): Promise<void> };

export interface RegistryOptions {
  executor?: Executor;
  searchDirs?: string[];
  /** Finished runs kept for GET /runs/:id; the oldest are forgotten first. Default 1000. */
  keepRuns?: number;
}

/**
 * The runs of this service, in memory. Runs of one job folder run one after another (the
 * engine keeps one checkpoint and one lock per job folder); runs of different jobs run at once.
 */
export class RunRegistry {
  private readonly runs = new Map<string, RunRecord>();
  private readonly watchers = new Map<string, Set<(e: PypeEvent | null) => void>>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();

  constructor(private readonly options: RegistryOptions = {}) {}

  static newId(): string {
    return `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  }

  /** Accepts a run and starts it when its job folder is free; returns at once. */
  start(record: Omit<RunRecord, 'status' | 'events' | 'errors' | 'createdAt'>): RunRecord {
    const run: RunRecord = { ...record, status: 'queued', events: [], errors: [], createdAt: new Date().toISOString() };
    this.runs.set(run.id, run);
    this.forgetOld();
    const previous = this.chains.get(run.jobDir) ?? Promise.resolve();
    const next = previous.then(() => this.execute(run));
    this.chains.set(run.jobDir, next);
    void next.finally(() => {
      if (this.chains.get(run.jobDir) === next) this.chains.delete(run.jobDir);
    });
    return run;
  }

  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  view(run: RunRecord): RunView {
    const { events, jobDir: _j, uploadDir: _u, ...rest } = run;
    return { ...rest, modules: summarize(events), events: events.length };
  }

  /** Calls `fn` for each new event of the run, then with null when it ends; returns an unsubscribe. */
  watch(id: string, fn: (e: PypeEvent | null) => void): () => void {
    const set = this.watchers.get(id) ?? new Set();
    set.add(fn);
    this.watchers.set(id, set);
    return () => set.delete(fn);
  }

  counts(): Record<RunPhase, number> {
    const out: Record<RunPhase, number> = { queued: 0, running: 0, success: 0, failed: 0, cancelled: 0 };
    for (const r of this.runs.values()) out[r.status]++;
    return out;
  }

  /** Cancels queued and running runs (cleanly: checkpoints kept) and waits for them. */
  async close(): Promise<void> {
    this.stop.abort(new Error('the server is shutting down'));
    await Promise.allSettled([...this.chains.values()]);
  }

  private async execute(run: RunRecord): Promise<void> {
    if (this.stop.signal.aborted) return this.finish(run, 'cancelled', [{ message: 'the server shut down before the run started' }]);
    run.status = 'running';
    run.startedAt = new Date().toISOString();
    const options: RunOptions = {
      context: run.contextName,
      contextOverrides: run.context,
      listeners: [(e) => this.publish(run, e)],
      executor: this.options.executor,
      searchDirs: this.options.searchDirs,
      signal: this.stop.signal,
    };
    try {
      const result = await runJob(run.jobDir, options);
      run.runId = result.runId;
      const errors = result.errors.map(({ nodeId, subflow, message, hint }) => ({ nodeId, subflow, message, hint }));
      this.finish(run, result.interrupted ? 'cancelled' : result.status === 'success' ? 'success' : 'failed', errors);
      await this.options.executor?.releaseRun?.(result.runId);
    } catch (err) {
      // The run could not start (e.g. a `pype run` of the same job folder holds its lock).
      this.finish(run, 'failed', [{ message: errorMessage(err), hint: (err as Thrown)?.hint }]);
    }
  }

  private publish(run: RunRecord, event: PypeEvent): void {
    run.events.push(event);
    if (event.type === 'run.started') run.runId = event.runId;
    for (const fn of this.watchers.get(run.id) ?? []) fn(event);
  }

  private finish(run: RunRecord, status: RunPhase, errors: RunRecord['errors']): void {
    run.status = status;
    run.errors = errors;
    run.finishedAt = new Date().toISOString();
    run.durationMs = run.startedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : 0;
    if (run.uploadDir) rmSync(run.uploadDir, { recursive: true, force: true });
    for (const fn of this.watchers.get(run.id) ?? []) fn(null);
    this.watchers.delete(run.id);
  }

  private forgetOld(): void {
    const keep = this.options.keepRuns ?? 1000;
    const finished = [...this.runs.values()].filter((r) => r.finishedAt);
    for (const r of finished.slice(0, Math.max(0, finished.length - keep))) this.runs.delete(r.id);
  }
}
