import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { dueTicks, nextTick, type PlannedTrigger } from '@pypeline/core';
import { errorMessage, sleep } from '@pypeline/sdk';
import { RunRegistry } from '../run-registry.js';
import type { RunStore, RunTrigger, StoredRun, TriggerFire } from '../run-store.js';
import { jobTriggers, type JobTriggers } from './job-triggers.js';

/** The engine's time: real in `pype serve`, moved by hand in tests. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date(), sleep: (ms, signal) => sleep(ms, signal) };

export interface TriggerEngineOptions {
  jobsDir: string;
  runs: RunRegistry;
  store: RunStore;
  clock?: Clock;
  /** Default: stderr. */
  log?: (line: string) => void;
  /** How often folders are listed and job folders read again, in ms. Default 1000. */
  pollMs?: number;
  /** A new file is taken once it has not changed for this long (its writer is done), in ms. Default 1000. */
  settleMs?: number;
}

/** One trigger of one job as GET /schedules shows it. */
export interface ScheduleView {
  job: string;
  trigger: PlannedTrigger;
  /** Cron: the next tick (ISO). */
  next?: string;
  /** The newest fire, with the run it started as it is now (when the store still has it). */
  last?: TriggerFire & { status?: StoredRun['status']; tick?: string };
}

type Job = JobTriggers & { trigger: PlannedTrigger };

/**
 * Fires the `triggers` of the served job folders (`pype serve`): cron ticks, new files in a
 * folder, another job's success. Each firing is a run saved with its fire in one transaction
 * (`RunRegistry.startTriggered`), keyed by the tick, the file or the run that succeeded, so a
 * trigger never fires twice for one key, also across restarts and crashes. Cron ticks missed
 * while no server ran are handled by the trigger's `catch_up`.
 */
export class TriggerEngine {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  /** Per job and cron trigger: the newest tick handled by this process. */
  private readonly cursors = new Map<string, Date>();
  /** Problems already reported (a missing folder), so each is logged once. */
  private readonly told = new Set<string>();
  private readonly stopper = new AbortController();
  private loop?: Promise<void>;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: TriggerEngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.unsubscribe = options.runs.onFinished((run) => void this.jobFinished(run).catch((err) => this.report(`after run ${run.id}`, err)));
  }

  /** Fires what is due until `stop`. */
  start(): void {
    this.loop ??= (async () => {
      const signal = this.stopper.signal;
      while (!signal.aborted) {
        await this.tick().catch((err) => this.report('a pass', err));
        await this.clock.sleep(this.delay(), signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    this.stopper.abort();
    await this.loop;
  }

  /** One pass: every due cron tick, every new file, and any success a follower missed. */
  async tick(): Promise<void> {
    for (const job of this.triggers()) {
      if (!this.options.runs.accepting) return;
      try {
        if (job.trigger.kind === 'cron') await this.cron(job, job.trigger);
        else if (job.trigger.kind === 'file_arrival') await this.files(job, job.trigger);
        else await this.missedSuccesses(job, job.trigger);
      } catch (err) {
        this.report(`trigger ${job.trigger.id} of job ${job.job}`, err);
      }
    }
  }

  /** Each trigger of each job, with its next tick and its newest fire. */
  async schedules(): Promise<ScheduleView[]> {
    const now = this.clock.now();
    const out: ScheduleView[] = [];
    for (const { job, trigger } of this.triggers()) {
      const view: ScheduleView = { job, trigger };
      if (trigger.kind === 'cron') view.next = nextTick(trigger, now)?.toISOString();
      const fire = await this.options.store.lastFire(job, trigger.id);
      if (fire) {
        const run = await this.options.store.get(fire.run);
        view.last = { ...fire, ...(run ? { status: run.status, tick: run.trigger?.tick } : {}) };
      }
      out.push(view);
    }
    return out;
  }

  /** The served jobs' triggers, less the job_success triggers of a loop of jobs following each other (reported once). */
  private triggers(): Job[] {
    let live = jobTriggers(this.options.jobsDir).flatMap((j) => j.triggers.map((trigger) => ({ ...j, trigger })));
    for (let loop = followLoop(live); loop; loop = followLoop(live)) {
      this.tellOnce(`loop:${loop.join('>')}`, `pype serve: triggers: the jobs ${loop.join(' -> ')} each start after the success of the one before: that would run forever, so their job_success triggers are not fired (fix: remove one of them and rebuild)`);
      live = live.filter((j) => !(j.trigger.kind === 'job_success' && loop!.includes(j.job)));
    }
    return live;
  }

  private async cron(job: Job, t: Extract<PlannedTrigger, { kind: 'cron' }>): Promise<void> {
    const key = `${job.job}\u0000${t.id}`;
    const now = this.clock.now();
    const after = this.cursors.get(key) ?? new Date((await this.options.store.lastFire(job.job, t.id))?.key ?? (await this.armed(job, now)));
    const { fire, skipped, more } = dueTicks(t, after, now);
    if (skipped || more) this.log(`pype serve: trigger ${t.id} of job ${job.job}: missed ticks since ${after.toISOString()} skipped (catch_up: ${t.catch_up})${skipped ? `: ${skipped}${more ? ' and older ones' : ''}` : ''}`);
    for (const tick of fire) {
      const iso = tick.toISOString();
      await this.fire(job, { kind: 'cron', id: t.id, tick: iso }, iso);
      this.cursors.set(key, tick);
    }
    this.cursors.set(key, now);
  }

  private async files(job: Job, t: Extract<PlannedTrigger, { kind: 'file_arrival' }>): Promise<void> {
    const folder = resolve(t.folder);
    if (!existsSync(folder)) return this.tellOnce(`${job.job}/${t.id}`, `pype serve: trigger ${t.id} of job ${job.job}: the folder ${folder} does not exist (yet): files are taken once it does`);
    const since = Date.parse(await this.armed(job, this.clock.now()));
    const now = this.clock.now().getTime();
    const settle = this.options.settleMs ?? 1000;
    const matches = picomatch(t.pattern, { dot: false });
    const found: { path: string; key: string }[] = [];
    for (const d of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!d.isFile() || !matches(d.name)) continue;
      const path = join(folder, d.name);
      const st = statSync(path, { throwIfNoEntry: false });
      // Files there before the trigger was first armed are not new; a rename into the folder counts (ctime).
      if (!st || Math.max(st.mtimeMs, st.ctimeMs) < since || now - st.mtimeMs < settle) continue;
      found.push({ path, key: `${path}@${Math.round(st.mtimeMs)}` });
    }
    if (!found.length) return;
    const fired = await this.options.store.firedKeys(job.job, t.id, found.map((f) => f.key));
    for (const f of found) {
      if (!fired.has(f.key)) await this.fire(job, { kind: 'file_arrival', id: t.id, tick: f.path }, f.key, { [t.context_var]: f.path });
    }
  }

  /** A run of another job ended: start the jobs that follow its success. */
  private async jobFinished(run: StoredRun): Promise<void> {
    if (run.status !== 'success') return;
    for (const job of this.triggers()) {
      const t = job.trigger;
      if (t.kind === 'job_success' && t.job === run.job && this.options.runs.accepting) await this.fire(job, { kind: 'job_success', id: t.id, tick: run.id }, run.id);
    }
  }

  /** Successes of the followed job that no run answered yet (a server that stopped in between), oldest first. */
  private async missedSuccesses(job: Job, t: Extract<PlannedTrigger, { kind: 'job_success' }>): Promise<void> {
    const since = await this.armed(job, this.clock.now());
    const done = (await this.options.store.list({ job: t.job, limit: 20 })).filter((r) => r.status === 'success' && r.finishedAt && r.finishedAt >= since).reverse();
    if (!done.length) return;
    const fired = await this.options.store.firedKeys(job.job, t.id, done.map((r) => r.id));
    for (const r of done) if (!fired.has(r.id)) await this.fire(job, { kind: 'job_success', id: t.id, tick: r.id }, r.id);
  }

  private async fire(job: Job, trigger: RunTrigger, key: string, context: Record<string, unknown> = {}): Promise<void> {
    if (!this.options.runs.accepting) return;
    const run = await this.options.runs.startTriggered({ id: RunRegistry.newId(), job: job.job, jobDir: job.jobDir, contextName: job.trigger.context, context, trigger }, key);
    if (run) this.log(`pype serve: trigger ${trigger.id} of job ${job.job} started run ${run.id} (${trigger.kind} ${trigger.tick})`);
  }

  private armed(job: Job, now: Date): Promise<string> {
    return this.options.store.armedSince(job.job, job.trigger.id, now.toISOString());
  }

  /** Until the next cron tick, at most pollMs. */
  private delay(): number {
    const poll = this.options.pollMs ?? 1000;
    const now = this.clock.now();
    let soonest = poll;
    for (const { trigger } of this.triggers()) {
      if (trigger.kind !== 'cron') continue;
      const next = nextTick(trigger, now);
      if (next) soonest = Math.min(soonest, next.getTime() - now.getTime());
    }
    return Math.max(20, soonest);
  }

  private tellOnce(key: string, line: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.log(line);
  }

  private report(what: string, err: unknown): void {
    this.log(`pype serve: triggers: ${what} failed: ${errorMessage(err)}`);
  }
}

/** A chain of jobs whose job_success triggers lead back to its first (`a -> b -> a`), if any. */
function followLoop(jobs: Job[]): string[] | undefined {
  const follows = new Map<string, string[]>();
  for (const { job, trigger } of jobs) if (trigger.kind === 'job_success') follows.set(trigger.job, [...(follows.get(trigger.job) ?? []), job]);
  const walk = (job: string, path: string[]): string[] | undefined => {
    if (path.includes(job)) return [...path.slice(path.indexOf(job)), job];
    for (const next of follows.get(job) ?? []) {
      const found = walk(next, [...path, job]);
      if (found) return found;
    }
    return undefined;
  };
  for (const start of follows.keys()) {
    const found = walk(start, []);
    if (found) return found;
  }
  return undefined;
}
