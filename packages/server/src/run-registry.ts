import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { loadJob, PypeError, runJob, summarize, type DistributedDocument, type Listener, type ModuleSummary, type PypeEvent, type RunOptions, type SubflowExecutor } from '@pypeline/core';
import { errorMessage, type Thrown } from '@pypeline/sdk';
import { resumePlan } from './resume-plan.js';
import type { RunError, RunPhase, RunStore, RunTrigger, StoredRun } from './run-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';

export type { RunPhase } from './run-store.js';

/** One run the service accepted, from 202 to its end. */
export interface RunRecord extends StoredRun {
  events: PypeEvent[];
  /** Cancelled while still queued: it ended without running. */
  cancelled?: boolean;
}

/** What GET /runs/:id answers. */
export interface RunView extends Omit<RunRecord, 'events' | 'jobDir' | 'uploadDir' | 'resume' | 'cancelled'> {
  modules: ModuleSummary[];
  events: number;
}

/** An executor that can forget a run's shared artifacts once it is over (BullmqExecutor can). */
export type Executor = SubflowExecutor & {
  releaseRun?(runId: string): Promise<void>;
  /** Aborts when the executor's queue stayed unreachable too long (BullmqExecutor's Redis outage limit). */
  readonly outage?: AbortSignal;
};

export interface RegistryOptions {
  /** Where every run's sub flows go; when omitted, in this process unless the flow says otherwise. */
  executor?: Executor;
  /**
   * Where the runs of a job whose flow says `execution_mode: distributed` go when there is no
   * `executor`: the queue its `settings.distributed` names (`pype serve` connects, once per Redis
   * and queue). Without it such a run fails, saying how to serve it.
   */
  distributedExecutor?: (settings: DistributedDocument) => Promise<Executor>;
  searchDirs?: string[];
  /** Finished runs kept for GET /runs/:id; the oldest are forgotten first. Default 1000. */
  keepRuns?: number;
  /** Where runs are kept; default an in-memory SQLite store (lost with the process). */
  store?: RunStore;
  /** Where a failed store write is reported (the run goes on). Default: stderr. */
  log?: (line: string) => void;
  /** Told of every event and every final status (the server's Prometheus metrics). */
  observer?: { observe(run: StoredRun, e: PypeEvent): void; finished(run: StoredRun): void };
  /** More subscribers to every run's engine events (tracing). */
  listeners?: Listener[];
}

/** What `recover()` found in the store. */
export interface Recovered {
  queued: number;
  /** Runs whose attempt a stopped server cut off; each is resumed, restarted or failed when its turn comes. */
  interrupted: number;
}

type Watcher = (e: PypeEvent | null) => void;

/**
 * The runs of this service. Every run is in the store from its 202 on, so a restart loses none;
 * the runs not yet finished are also held here while this process works on them. Runs of one
 * job folder run one after another (the engine keeps one checkpoint and one lock per job
 * folder); runs of different jobs run at once.
 */
export class RunRegistry {
  private readonly active = new Map<string, RunRecord>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly detachers = new Set<() => void>();
  private readonly finishers = new Set<(run: StoredRun) => void>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly executing = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  /** Each executing run's own stop, for `cancel`. */
  private readonly cancels = new Map<string, AbortController>();
  private readonly store: RunStore;
  /** Each run's store writes, one after another in the order they were issued. */
  private readonly writes = new Map<string, Promise<void>>();
  private draining = false;

  constructor(private readonly options: RegistryOptions = {}) {
    this.store = options.store ?? new SqliteRunStore(':memory:');
    // Without its queue no run can go on: running runs stop as in a drain (the outage is in the
    // run signal) and are left for the next start to resume; no new run is taken.
    options.executor?.outage?.addEventListener('abort', () => (this.draining = true), { once: true });
  }

  static newId(): string {
    return `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  }

  /** True once a drain began: no new runs are accepted. */
  get accepting(): boolean {
    return !this.draining;
  }

  /**
   * Accepts a run: saves it in the store (before the caller answers 202) and starts it when its
   * job folder is free; returns at once.
   */
  async start(record: Omit<RunRecord, 'status' | 'events' | 'errors' | 'createdAt'>): Promise<RunRecord> {
    const run: RunRecord = { ...record, status: 'queued', events: [], errors: [], createdAt: new Date().toISOString() };
    await this.store.add(stored(run));
    this.active.set(run.id, run);
    this.enqueue(run);
    return run;
  }

  /**
   * Accepts a run a trigger started, as `start` does, unless the store already holds a fire of
   * that trigger for `key` (then nothing is started: undefined). The run and its fire are saved
   * in one transaction.
   */
  async startTriggered(record: Omit<RunRecord, 'status' | 'events' | 'errors' | 'createdAt'> & { trigger: RunTrigger }, key: string): Promise<RunRecord | undefined> {
    const run: RunRecord = { ...record, status: 'queued', events: [], errors: [], createdAt: new Date().toISOString() };
    const fresh = await this.store.addTriggered(stored(run), { job: run.job, trigger: record.trigger.id, key, run: run.id, firedAt: run.createdAt });
    if (!fresh) return undefined;
    this.active.set(run.id, run);
    this.enqueue(run);
    return run;
  }

  /** Takes up the runs an earlier process left unfinished in the store, oldest first. */
  async recover(): Promise<Recovered> {
    const found: Recovered = { queued: 0, interrupted: 0 };
    for (const s of await this.store.unfinished()) {
      if (this.active.has(s.id)) continue;
      const run: RunRecord = { ...s, events: await this.store.events(s.id) };
      const cut = run.status === 'running' || run.resume === true;
      found[cut ? 'interrupted' : 'queued']++;
      this.active.set(run.id, run);
      this.enqueue(run, cut);
    }
    return found;
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const live = this.active.get(id);
    if (live) return live;
    const s = await this.store.get(id);
    return s && { ...s, events: await this.store.events(id) };
  }

  view(run: RunRecord): RunView {
    const { events, jobDir: _j, uploadDir: _u, resume: _r, cancelled: _c, ...rest } = run;
    return { ...rest, modules: summarize(events), events: events.length };
  }

  /** The newest `limit` runs (of `job` when given), newest first; runs this process works on as they are now. */
  async list(filter: { job?: string; limit: number }): Promise<RunView[]> {
    const found = await this.store.list(filter);
    return found.map((s) => {
      const live = this.active.get(s.id);
      const { jobDir: _j, uploadDir: _u, resume: _r, ...rest } = live ? stored(live) : s;
      return { ...rest, modules: [], events: live?.events.length ?? 0 };
    });
  }

  /**
   * Cancels a run: a queued run ends at once, a running one is stopped (its checkpoint is kept,
   * so it can be resumed). Returns false when the run is no longer unfinished here.
   */
  async cancel(id: string): Promise<boolean> {
    const run = this.active.get(id);
    if (!run || run.finishedAt) return false;
    const running = this.cancels.get(id);
    if (running) running.abort(new Error(`run ${id} was cancelled`));
    else {
      run.cancelled = true;
      await this.finish(run, 'cancelled', []);
    }
    return true;
  }

  /** Calls `fn` for each new event of the run, then with null when it ends; returns an unsubscribe. */
  watch(id: string, fn: Watcher): () => void {
    const set = this.watchers.get(id) ?? new Set();
    set.add(fn);
    this.watchers.set(id, set);
    return () => set.delete(fn);
  }

  /**
   * Calls `fn` when this process stops working on runs (shutdown) while a run being watched is
   * unfinished: its followers should reconnect to the next server; returns an unsubscribe.
   */
  onDetach(fn: () => void): () => void {
    this.detachers.add(fn);
    return () => this.detachers.delete(fn);
  }

  /** Calls `fn` with each run once its final status is saved (the triggers that follow a job's success); returns an unsubscribe. */
  onFinished(fn: (run: StoredRun) => void): () => void {
    this.finishers.add(fn);
    return () => this.finishers.delete(fn);
  }

  counts(): Promise<Record<RunPhase, number>> {
    return this.store.counts();
  }

  /**
   * Stops taking runs: queued runs stay queued in the store for the next start; running runs get
   * `graceMs` to finish, then are stopped cleanly (checkpoints kept) and left for the next start
   * to resume. Resolves, when no run is executing, with the number of runs left unfinished.
   */
  async drain(graceMs: number): Promise<{ unfinished: number }> {
    this.draining = true;
    const running = Promise.allSettled([...this.executing]);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([running, expired]);
    clearTimeout(timer);
    this.stop.abort(new Error('the server is shutting down'));
    await running;
    await Promise.all(this.writes.values());
    for (const fn of this.detachers) fn();
    return { unfinished: (await this.store.unfinished()).length };
  }

  /** Drains (running runs get `graceMs`, default none) and closes the store. */
  async close(graceMs = 0): Promise<{ unfinished: number }> {
    const left = await this.drain(graceMs);
    await this.store.close();
    return left;
  }

  private enqueue(run: RunRecord, interrupted = false): void {
    const previous = this.chains.get(run.jobDir) ?? Promise.resolve();
    const next = previous.then(() => this.track(this.execute(run, interrupted)));
    this.chains.set(run.jobDir, next);
    void next.finally(() => {
      if (this.chains.get(run.jobDir) === next) this.chains.delete(run.jobDir);
    });
  }

  private track(p: Promise<void>): Promise<void> {
    this.executing.add(p);
    return p.finally(() => this.executing.delete(p));
  }

  private async execute(run: RunRecord, interrupted: boolean): Promise<void> {
    // Draining: the run stays queued in the store, for the next start. Cancelled while queued: it ended already.
    if (this.draining || run.cancelled) return;
    // A run posted with `resume` continues the job folder's checkpoint (the engine starts afresh when there is none).
    const plan = interrupted ? resumePlan(run, run.events) : { action: 'start' as const, resume: run.resume === true };
    if (plan.action === 'finish') return this.finish(run, plan.status, plan.errors);
    if (run.uploadDir && !existsSync(run.uploadDir)) {
      return this.finish(run, 'failed', [{ message: `the run's uploaded files are gone: ${run.uploadDir} no longer exists`, hint: 'post the run again with its files' }]);
    }
    run.status = 'running';
    run.startedAt ??= new Date().toISOString();
    run.resume = false;
    await this.write(run, (s) => this.store.update(s));
    const cancel = new AbortController();
    this.cancels.set(run.id, cancel);
    try {
      const executor = this.options.executor ?? (await this.flowExecutor(run.jobDir));
      const stops = [this.stop.signal, cancel.signal, ...(executor?.outage ? [executor.outage] : [])];
      const options: RunOptions = {
        context: run.contextName,
        contextOverrides: run.context,
        listeners: [(e) => this.publish(run, e), ...(this.options.listeners ?? [])],
        executor,
        searchDirs: this.options.searchDirs,
        signal: AbortSignal.any(stops),
        resume: plan.resume,
      };
      const result = await runJob(run.jobDir, options);
      run.runId = result.runId;
      if (result.interrupted && this.draining) return this.leaveForNextStart(run);
      const errors: RunError[] = result.errors.map(({ nodeId, subflow, message, hint }) => ({ nodeId, subflow, message, hint }));
      // The flow's own queue went away (the server's own queue drains the server instead, above).
      const outage = executor !== this.options.executor && executor?.outage?.aborted ? executor.outage.reason : undefined;
      if (result.interrupted && outage && !cancel.signal.aborted) {
        errors.unshift({ message: errorMessage(outage), hint: (outage as Thrown)?.hint ?? 'start Redis again, then post the run with resume' });
        await this.finish(run, 'failed', errors);
      } else {
        await this.finish(run, result.interrupted ? 'cancelled' : result.status === 'success' ? 'success' : 'failed', errors);
      }
      await executor?.releaseRun?.(result.runId);
    } catch (err) {
      // The run could not start (e.g. a `pype run` of the same job folder holds its lock).
      await this.finish(run, 'failed', [{ message: errorMessage(err), hint: (err as Thrown)?.hint }]);
    } finally {
      this.cancels.delete(run.id);
    }
  }

  /**
   * The executor a job's flow asks for with `execution_mode: distributed` (none: this process).
   * Read at each run, so a rebuilt job folder takes effect at its next run.
   */
  private async flowExecutor(jobDir: string): Promise<Executor | undefined> {
    const settings = loadJob(jobDir).metadata.settings;
    if (settings.execution_mode !== 'distributed') return undefined;
    if (!this.options.distributedExecutor) {
      throw new PypeError('the flow says execution_mode: distributed, but this server runs sub flows in its own process only', {
        hint: 'start the server with `pype serve` (it connects to the queue in settings.distributed), or with --executor bullmq',
      });
    }
    return this.options.distributedExecutor(settings.distributed ?? {});
  }

  /** A drain ran out of time and stopped the run cleanly: the next start resumes it from its checkpoint. */
  private async leaveForNextStart(run: RunRecord): Promise<void> {
    run.status = 'queued';
    run.resume = true;
    await this.write(run, (s) => this.store.update(s, true));
  }

  /**
   * Queues a store write of the run after its earlier ones (the engine's listeners are
   * synchronous, the store is not) and resolves when it is done. A failed write is reported and
   * the run goes on: its live record is here, and its final state is written again at its end.
   */
  private write(run: RunRecord, fn: (s: StoredRun) => Promise<void>): Promise<void> {
    const snapshot = stored(run);
    const previous = this.writes.get(run.id) ?? Promise.resolve();
    const next = previous.then(() => fn(snapshot)).catch((err: unknown) => {
      (this.options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`pype serve: could not save run ${run.id} in the run store ${this.store.location}: ${errorMessage(err)}`);
    });
    this.writes.set(run.id, next);
    void next.then(() => {
      if (this.writes.get(run.id) === next) this.writes.delete(run.id);
    });
    return next;
  }

  private publish(run: RunRecord, event: PypeEvent): void {
    const seq = run.events.length;
    void this.write(run, () => this.store.addEvent(run.id, seq, event));
    run.events.push(event);
    if (event.type === 'run.started') {
      run.runId = event.runId;
      void this.write(run, (s) => this.store.update(s));
    }
    this.observe((o) => o.observe(run, event));
    for (const fn of this.watchers.get(run.id) ?? []) fn(event);
  }

  /** Metrics are a side show: one that fails is reported, and the run goes on. */
  private observe(fn: (o: NonNullable<RegistryOptions['observer']>) => void): void {
    if (!this.options.observer) return;
    try {
      fn(this.options.observer);
    } catch (err) {
      (this.options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`pype serve: the metrics could not count an event: ${errorMessage(err)}`);
    }
  }

  private async finish(run: RunRecord, status: RunPhase, errors: RunError[]): Promise<void> {
    run.status = status;
    run.errors = errors;
    run.finishedAt = new Date().toISOString();
    run.durationMs = run.startedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : 0;
    await this.write(run, (s) => this.store.update(s, true));
    this.observe((o) => o.finished(run));
    for (const fn of this.finishers) fn(stored(run));
    if (run.uploadDir) rmSync(run.uploadDir, { recursive: true, force: true });
    this.active.delete(run.id);
    await this.write(run, () => this.store.forgetFinished(this.options.keepRuns ?? 1000));
    for (const fn of this.watchers.get(run.id) ?? []) fn(null);
    this.watchers.delete(run.id);
  }
}

function stored(run: RunRecord): StoredRun {
  const { events: _e, cancelled: _c, ...rest } = run;
  return rest;
}
