import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { PypeError } from '../errors.js';
import { checkRunContext } from '../flow/context-schema.js';
import { ArtifactStore, artifactPolicy } from './artifact-store.js';
import { DEFAULT_CACHE_MAX_BYTES, formatBytes, resolveCacheDir } from '../cache/cache-folder.js';
import { RunCache } from '../cache/run-cache.js';
import { Checkpoint } from './checkpoint.js';
import { providersFromEnv, type SecretProvider } from '../secrets/providers.js';
import type { SubflowExecutor } from './subflow-task.js';
import { callHooks, type Hooks } from './hooks.js';
import { Redactor } from '../secrets/redactor.js';
import { resolveSecrets } from '../secrets/resolve-secrets.js';
import { EventBus, type Listener, type NodeStatus, type RunStatus } from './events.js';
import { GlobalStore } from './globals.js';
import { acquireJobLock } from './job-lock.js';
import { attachJsonLog } from './json-log.js';
import { loadContext, loadJob, loadModules, type Job } from './load-job.js';
import type { RunError, RunState } from './run-state.js';
import { schedule } from './scheduler.js';
import { summarize, type ModuleSummary } from './summary.js';
import { PiscinaPool, poolSize } from './worker-pool.js';
import { errorMessage, type Thrown } from '@pypeline/sdk';

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
  /** Continue the interrupted or failed run from its checkpoint. */
  resume?: boolean;
  /** Aborting it stops the run cleanly (SIGINT/SIGTERM); its reason becomes the run's error. */
  signal?: AbortSignal;
  /** Callbacks around modules and the run (plugins add theirs here too). */
  hooks?: Hooks | Hooks[];
  /** Run sub flows on workers (e.g. a BullMQ queue) instead of in this process. */
  executor?: SubflowExecutor;
  /** Shared folder for artifacts that cross processes; default `<job>/artifacts`. */
  artifactDir?: string;
  /** Where `{{secret.x}}` values come from; default: env, PYPE_SECRETS_DIR, Vault (VAULT_ADDR). */
  secretProviders?: SecretProvider[];
  /**
   * Cached re-runs: skip cacheable modules whose key (module version, resolved config, path
   * fingerprints, input content) is unchanged and reuse their stored outputs. `true` uses
   * `PYPE_CACHE_DIR` or `.pype-cache` in the working directory, with a 1 GiB limit.
   */
  cache?: boolean | CacheOptions;
  /**
   * A sample run (`pype dev --limit N`): each source module's outputs are capped at this many
   * rows, its streams cut (and their reading stopped) once they reach it. Local runs only.
   */
  limit?: number;
}

export interface CacheOptions {
  /** The cache folder; default `PYPE_CACHE_DIR`, else `.pype-cache` in the working directory. */
  dir?: string;
  /** Size limit in bytes; least recently used entries are evicted after the run. @default 1 GiB */
  maxBytes?: number;
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
  /** True when a checkpoint was left for `--resume`. */
  resumable: boolean;
  /** Set when the run was stopped through `options.signal`. */
  interrupted: boolean;
  /** One entry per module id (the last iteration's, inside loops). */
  results: Record<string, ModuleResult>;
  /** Failures of modules with continue_on_error (the run may still succeed). */
  continuedErrors: RunError[];
  /** Hooks that threw; reported, never fatal. */
  hookErrors: string[];
}

export interface ModuleResult {
  status: ModuleSummary['status'];
  error?: string;
  durationMs: number;
  rowsIn: number;
  rowsOut: number;
  /** The globals the module set (its last frame's values). */
  globals: Record<string, unknown>;
}

/** `pype run <job>`: loads a built job and runs it to completion. */
export async function runJob(jobDir: string, options: RunOptions = {}): Promise<RunResult> {
  const job = loadJob(jobDir);
  const contextName = options.context ?? 'default';
  const context = { ...loadContext(job, contextName), ...options.contextOverrides };
  checkRunContext(context, job.metadata.context_schema, job.name, contextName);
  // With an executor, workers load modules and secrets; the coordinator only needs the valves' secrets.
  const remote = options.executor !== undefined;
  if (remote && options.cache) throw new PypeError('--cache works with local runs only', { hint: 'drop --cache, or run without --executor' });
  checkLimit(options);
  const modules = remote ? new Map() : await loadModules(job, options.searchDirs ?? [process.cwd()]);
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
  const redactor = new Redactor();
  const secrets = await resolveSecrets(job, options.secretProviders ?? providersFromEnv(), redactor, remote ? new Set() : undefined);
  const bus = new EventBus(runId, (v) => redactor.deep(v));
  const pending: string[] = [...redactor.warnings()];
  const release = acquireJobLock(job.dir, runId, (stale) => pending.push(`took over a stale lock of run ${stale.runId} (pid ${stale.pid} is gone)`));
  try {
    const { checkpoint, resumed } = await openCheckpoint(job, runId, contextName, options.resume ?? false, pending);
    const logFile = options.logFile ?? join(options.logDir ?? join(job.dir, 'logs'), `run-${runId}.jsonl`);
    const log = attachJsonLog(bus, logFile);
    for (const l of options.listeners ?? []) bus.subscribe(l);
    try {
      const result = await execute(job, { bus, context, contextName, modules, checkpoint, resumed, options, pending, secrets, redactor });
      return redactor.deep({ ...result, logFile });
    } finally {
      log.close();
    }
  } finally {
    release();
  }
}

/** A row limit is a positive integer, on a local run that stores nothing in the cache (its outputs are samples). */
function checkLimit(options: RunOptions): void {
  if (options.limit === undefined) return;
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new PypeError(`row limit ${options.limit} is not a positive whole number`, { hint: 'give a limit of 1 row or more, e.g. --limit 1000' });
  if (options.executor) throw new PypeError('a row limit works with local runs only', { hint: 'drop the limit, or run without --executor' });
  if (options.cache) throw new PypeError('a row limit and --cache do not go together: the cache would keep sampled outputs', { hint: 'drop one of them' });
}

function openCache(option: RunOptions['cache'], id: string): RunCache | undefined {
  if (!option) return undefined;
  const o = option === true ? {} : option;
  return new RunCache(resolveCacheDir(o.dir), o.maxBytes ?? DEFAULT_CACHE_MAX_BYTES, id);
}

function closeCache(state: RunState): void {
  if (!state.cache) return;
  try {
    const evicted = state.cache.finish();
    if (evicted.length) state.bus.emit({ type: 'log', level: 'info', msg: `cache: evicted ${evicted.length} least recently used entr${evicted.length === 1 ? 'y' : 'ies'} (${formatBytes(evicted.reduce((n, e) => n + e.bytes, 0))}) to stay under ${formatBytes(state.cache.maxBytes)}` });
  } catch (err) {
    state.bus.emit({ type: 'log', level: 'warn', msg: `cache: could not tidy ${state.cache.dir}: ${errorMessage(err)}` });
  }
}

/**
 * The checkpoint to continue (`--resume` with one on disk) or a fresh one, saved at once: from
 * then on a kill at any point leaves a checkpoint whose run id the resumed run takes over.
 */
async function openCheckpoint(job: Job, runId: string, contextName: string, resume: boolean, notes: string[]): Promise<{ checkpoint: Checkpoint; resumed: boolean }> {
  const found = Checkpoint.exists(job.dir);
  if (resume && found) return { checkpoint: Checkpoint.load(job.dir), resumed: true };
  if (resume) notes.push(`nothing to resume: ${job.dir} has no checkpoint (its last run finished, or was stopped before it began), so this run starts from the beginning`);
  else if (found) {
    notes.push('a checkpoint of an earlier interrupted run was replaced by this fresh run (use --resume to continue a run instead)');
    await Checkpoint.load(job.dir).clear();
  }
  const checkpoint = Checkpoint.fresh(job.dir, runId, job.name, contextName);
  checkpoint.save();
  return { checkpoint, resumed: false };
}

interface Prepared {
  bus: EventBus;
  context: Record<string, unknown>;
  contextName: string;
  modules: RunState['modules'];
  checkpoint: Checkpoint;
  /** True when `checkpoint` is an interrupted run's, loaded to continue it. */
  resumed: boolean;
  options: RunOptions;
  pending: string[];
  secrets: ReadonlyMap<string, string>;
  redactor: Redactor;
}

async function execute(job: Job, p: Prepared): Promise<Omit<RunResult, 'logFile'>> {
  const { bus, checkpoint, options } = p;
  const { settings } = job.metadata;
  const controller = new AbortController();
  // Every running module listens on the run's signal; wide fan-outs exceed Node's default of 10.
  setMaxListeners(0, controller.signal);
  const timer = settings.timeout
    ? setTimeout(() => controller.abort(new PypeError(`run timed out after ${settings.timeout} s (settings.timeout)`, { hint: 'raise settings.timeout or make the slow module faster' })), settings.timeout * 1000)
    : undefined;
  const onSignal = () => controller.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', onSignal, { once: true });
  const globals = new GlobalStore();
  const nodeStatus = new Map<string, NodeStatus>();
  if (p.resumed) {
    globals.restore(checkpoint.data.globals);
    for (const [k, v] of Object.entries(checkpoint.data.nodeStatus)) nodeStatus.set(k, v);
  }
  const state: RunState = {
    job,
    modules: p.modules,
    context: p.context,
    contextName: p.contextName,
    globals,
    bus,
    artifacts: new ArtifactStore(artifactPolicy(settings), () => {}),
    pool: new PiscinaPool(poolSize(settings.threads)),
    signal: controller.signal,
    frame: { path: [], item: undefined },
    outputs: new Map(),
    nodeStatus,
    errors: [],
    continuedErrors: [],
    hooks: options.hooks === undefined ? [] : Array.isArray(options.hooks) ? options.hooks : [options.hooks],
    hookErrors: [],
    checkpoint,
    secrets: p.secrets,
    redactor: p.redactor,
    spawned: [],
    cache: openCache(options.cache, bus.runId),
    limit: options.limit,
    executor: options.executor ? { run: options.executor.run.bind(options.executor), artifactDir: options.artifactDir ?? join(job.dir, 'artifacts') } : undefined,
  };

  const t0 = Date.now();
  bus.emit({ type: 'run.started', flow: job.name, jobDir: job.dir, context: p.contextName, subflows: job.metadata.subflows.length, modules: Object.keys(job.dag.nodes).length });
  for (const msg of p.pending) bus.emit({ type: 'log', level: 'warn', msg });
  if (p.resumed) bus.emit({ type: 'log', level: 'info', msg: `resuming run ${checkpoint.data.runId}: ${checkpoint.data.completed.length} sub flow(s) already completed` });
  try {
    await schedule(state);
  } catch (err) {
    state.errors.push({ message: `internal error: ${errorMessage(err)} (this is a bug in PYpeline; please report it)`, stack: (err as Thrown)?.stack });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onSignal);
    state.artifacts.cleanup();
    await state.pool.close();
    closeCache(state);
  }
  if (controller.signal.aborted) {
    const reason = controller.signal.reason;
    state.errors.unshift({ message: String(reason?.message ?? reason), hint: reason?.hint });
  }
  const status: RunStatus = state.errors.length ? 'failed' : 'success';
  const durationMs = Date.now() - t0;
  bus.emit({ type: 'run.finished', flow: job.name, status, durationMs, error: state.errors[0]?.message });
  // WARNING: after run.finished is in the log: a run killed in between resumes to a no-op, and a
  // missing checkpoint always comes with a log that says the run finished.
  if (status === 'success') await checkpoint.clear();
  await callHooks(state.hooks, 'onComplete', { runId: bus.runId, flow: job.name, status, durationMs, errors: state.errors.map((e) => e.message) }, (m) => {
    state.hookErrors.push(m);
    bus.emit({ type: 'log', level: 'warn', msg: m });
  });
  const modules = summarize(bus.history, Object.keys(job.dag.nodes));
  return {
    runId: bus.runId,
    flow: job.name,
    status,
    durationMs,
    modules,
    results: moduleResults(job, modules, state),
    continuedErrors: state.continuedErrors,
    hookErrors: state.hookErrors,
    errors: state.errors,
    globals: state.globals.snapshot(),
    events: bus.history,
    resumable: status !== 'success' && Checkpoint.exists(job.dir),
    interrupted: options.signal?.aborted ?? false,
  };
}

/** Per module id: the summary row of its last node (last iteration) plus the globals it set. */
function moduleResults(job: Job, rows: ModuleSummary[], state: RunState): Record<string, ModuleResult> {
  const out: Record<string, ModuleResult> = {};
  const latest = Object.entries(state.globals.dump().latest);
  const lastRow = new Map(rows.map((r) => [r.nodeId.split('#')[0], r]));
  for (const id of Object.keys(job.dag.nodes)) {
    const row = lastRow.get(id);
    const prefix = `${id.toLowerCase()}.`;
    const globals = Object.fromEntries(latest.filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    out[id] = { status: row?.status ?? 'not run', error: row?.error, durationMs: row?.durationMs ?? 0, rowsIn: row?.rowsIn ?? 0, rowsOut: row?.rowsOut ?? 0, globals };
  }
  return out;
}
