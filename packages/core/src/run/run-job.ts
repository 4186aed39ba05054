import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PypeError } from '../errors.js';
import { ArtifactStore } from './artifact-store.js';
import { EventBus, type Listener, type RunStatus } from './events.js';
import { GlobalStore } from './globals.js';
import { attachJsonLog } from './json-log.js';
import { loadContext, loadJob, loadModules } from './load-job.js';
import type { RunError, RunState } from './run-state.js';
import { schedule } from './scheduler.js';
import { summarize, type ModuleSummary } from './summary.js';
import { PiscinaPool, poolSize } from './worker-pool.js';

export interface RunOptions {
  /** Context environment; `default` when omitted. */
  context?: string;
  /** Extra context values, applied over the context file (e.g. from `--set k=v`). */
  contextOverrides?: Record<string, unknown>;
  /** Where to find installed modules besides the job folder. Default: cwd. */
  searchDirs?: string[];
  /** JSON log destination; default `<logDir>/run-<id>.jsonl`. */
  logFile?: string;
  /** Folder for the JSON log; default `<job>/logs`. */
  logDir?: string;
  /** Subscribers to the run's events (console output, tests, UIs). */
  listeners?: Listener[];
}

export interface RunResult {
  runId: string;
  flow: string;
  status: RunStatus;
  durationMs: number;
  modules: ModuleSummary[];
  errors: RunError[];
  globals: Record<string, unknown>;
  logFile: string;
  events: EventBus['history'];
}

/** `pype run <job>`: loads a built job and runs it to completion. */
export async function runJob(jobDir: string, options: RunOptions = {}): Promise<RunResult> {
  const job = loadJob(jobDir);
  const context = { ...loadContext(job, options.context ?? 'default'), ...options.contextOverrides };
  const modules = await loadModules(job, options.searchDirs ?? [process.cwd()]);
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
  const bus = new EventBus(runId);
  const logFile = options.logFile ?? join(options.logDir ?? join(job.dir, 'logs'), `run-${runId}.jsonl`);
  const log = attachJsonLog(bus, logFile);
  for (const l of options.listeners ?? []) bus.subscribe(l);

  const { settings } = job.metadata;
  const controller = new AbortController();
  const timer = settings.timeout
    ? setTimeout(() => controller.abort(new PypeError(`run timed out after ${settings.timeout} s (settings.timeout)`, { hint: 'raise settings.timeout or make the slow module faster' })), settings.timeout * 1000)
    : undefined;
  const state: RunState = {
    job,
    modules,
    context,
    globals: new GlobalStore(),
    bus,
    artifacts: new ArtifactStore(settings.spill, () => {}),
    pool: new PiscinaPool(poolSize(settings.threads)),
    signal: controller.signal,
    frame: { path: [], item: undefined },
    outputs: new Map(),
    nodeStatus: new Map(),
    errors: [],
    spawned: [],
  };

  const t0 = Date.now();
  bus.emit({ type: 'run.started', flow: job.name, jobDir: job.dir, context: options.context ?? 'default', subflows: job.metadata.subflows.length, modules: Object.keys(job.dag.nodes).length });
  try {
    await schedule(state);
  } catch (err: any) {
    state.errors.push({ message: `internal error: ${err?.message ?? err} (this is a bug in PYpeline; please report it)`, stack: err?.stack });
  } finally {
    clearTimeout(timer);
    state.artifacts.cleanup();
    await state.pool.close();
  }
  if (controller.signal.aborted) {
    const reason = controller.signal.reason;
    state.errors.unshift({ message: String(reason?.message ?? reason), hint: reason?.hint });
  }
  const status: RunStatus = state.errors.length ? 'failed' : 'success';
  const durationMs = Date.now() - t0;
  bus.emit({ type: 'run.finished', flow: job.name, status, durationMs, error: state.errors[0]?.message });
  log.close();
  return {
    runId,
    flow: job.name,
    status,
    durationMs,
    modules: summarize(bus.history, Object.keys(job.dag.nodes)),
    errors: state.errors,
    globals: state.globals.snapshot(),
    logFile,
    events: bus.history,
  };
}
