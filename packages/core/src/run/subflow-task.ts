import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { MemoryArtifact } from '@pypeline/sdk';
import { PypeError } from '../errors.js';
import type { SubFlow } from '../plan/types.js';
import { providersFromEnv, type SecretProvider } from '../secrets/providers.js';
import { Redactor } from '../secrets/redactor.js';
import { resolveSecrets } from '../secrets/resolve-secrets.js';
import { ArtifactStore, artifactPolicy } from './artifact-store.js';
import { Checkpoint } from './checkpoint.js';
import { EventBus, type EventPayload, type NodeStatus, type PypeEvent } from './events.js';
import { GlobalStore } from './globals.js';
import { loadContext, loadJob, loadModules } from './load-job.js';
import { frameKey, type Frame, type RunError, type RunState } from './run-state.js';
import { runSubflow } from './run-subflow.js';
import type { TaskCache } from './task-cache.js';
import { PiscinaPool, poolSize } from './worker-pool.js';
import { parquet } from './parquet.js';

/**
 * One sub flow as a unit of work another process can run (the seed's Dispatch stage).
 * Data never crosses sub flows except the lists ITERATE edges loop over, so a task carries
 * only state: context, globals, statuses and the frame. Secrets are not in it: the process
 * that runs the task resolves them from its own providers.
 */
export interface SubflowTask {
  version: 1;
  /** This process's run: names the task's queue job and its events. */
  runId: string;
  /**
   * The run's identity modules see as `ctx.runId`: the id the run was started with, kept when
   * it is resumed (then it differs from `runId`), so sinks on workers key commits alike.
   */
  originRunId: string;
  jobDir: string;
  subflow: string;
  frame: Frame;
  contextName: string;
  context: Record<string, unknown>;
  globals: { values: Record<string, unknown>; latest: Record<string, unknown> };
  nodeStatus: Record<string, NodeStatus>;
  /** `module.port` keys of ITERATE lists this sub flow produces. */
  listPorts: string[];
  /** Shared folder where list artifacts are written for the coordinator to read. */
  artifactDir: string;
}

export interface SubflowTaskResult {
  status: 'success' | 'failed';
  /** The globals the sub flow set (merged into the coordinator's). */
  globals: { values: Record<string, unknown>; latest: Record<string, unknown> };
  /** The node statuses the sub flow set or changed (merged into the coordinator's). */
  nodeStatus: Record<string, NodeStatus>;
  errors: RunError[];
  continuedErrors?: RunError[];
  /** `module.port` -> Parquet file in the shared artifact folder. */
  lists: Record<string, string>;
}

/** Runs sub flows somewhere else (a queue of workers); the scheduler stays the coordinator. */
export interface SubflowExecutor {
  /**
   * Runs one task; `onEvent` receives the worker's events as they happen. When `signal` aborts
   * (the run was interrupted), the task is withdrawn or cancelled on its worker, and the promise
   * rejects.
   */
  run(task: SubflowTask, onEvent: (event: EventPayload) => void, signal?: AbortSignal): Promise<SubflowTaskResult>;
  close?(): Promise<void>;
}

/** The task for running `sf` in the current frame of `state`. */
export function toTask(state: RunState, sf: SubFlow, artifactDir: string): SubflowTask {
  return {
    version: 1,
    runId: state.bus.runId,
    originRunId: state.checkpoint.data.runId,
    jobDir: state.job.dir,
    subflow: sf.id,
    frame: state.frame,
    contextName: state.contextName,
    context: state.context,
    globals: state.redactor.deep(state.globals.dump()),
    nodeStatus: Object.fromEntries(state.nodeStatus),
    listPorts: state.job.metadata.control_edges.filter((e) => e.kind === 'iterate' && e.from_subflow === sf.id).map((e) => `${e.from}.${e.list_port}`),
    artifactDir,
  };
}

/** Merges what a worker did back into the coordinator's state. */
export async function applyResult(state: RunState, result: SubflowTaskResult): Promise<'success' | 'failed'> {
  state.globals.restore(result.globals);
  for (const [k, v] of Object.entries(result.nodeStatus)) state.nodeStatus.set(k, v);
  state.errors.push(...result.errors);
  state.continuedErrors.push(...(result.continuedErrors ?? []));
  for (const [key, file] of Object.entries(result.lists)) state.outputs.set(key, new MemoryArtifact(await (await parquet()).readParquetFile(file)));
  return result.status;
}

export interface TaskRunOptions {
  searchDirs?: string[];
  secretProviders?: SecretProvider[];
  onEvent?: (event: PypeEvent) => void;
  signal?: AbortSignal;
  /** A worker's cache of loaded jobs, modules and thread pools, kept across its tasks. */
  cache?: TaskCache;
}

/** Worker side: loads the job from (shared) storage and runs one sub flow of it. */
export async function executeSubflowTask(task: SubflowTask, options: TaskRunOptions = {}): Promise<SubflowTaskResult> {
  if (task.version !== 1) throw new PypeError(`unsupported task version ${task.version}`, { hint: 'run workers and coordinator with the same PYpeline version' });
  const job = options.cache ? options.cache.job(task.jobDir) : loadJob(task.jobDir);
  const sf = job.metadata.subflows.find((s) => s.id === task.subflow);
  if (!sf) throw new PypeError(`job ${job.name} has no sub flow ${task.subflow}`, { hint: 'the job folder changed since the run started; rebuild and rerun' });
  const searchDirs = options.searchDirs ?? [process.cwd()];
  const modules = options.cache ? await options.cache.modules(job, searchDirs, new Set(sf.modules)) : await loadModules(job, searchDirs, new Set(sf.modules));
  const redactor = new Redactor();
  const secrets = await resolveSecrets(job, options.secretProviders ?? providersFromEnv(), redactor, new Set(sf.modules));
  const bus = new EventBus(task.runId, (v) => redactor.deep(v));
  if (options.onEvent) bus.subscribe(options.onEvent);
  for (const msg of redactor.warnings()) bus.emit({ type: 'log', level: 'warn', msg });
  const globals = new GlobalStore();
  globals.restore(task.globals);
  const { settings } = job.metadata;
  const state: RunState = {
    job,
    modules,
    context: task.context ?? loadContext(job, task.contextName),
    contextName: task.contextName,
    globals,
    bus,
    artifacts: new ArtifactStore(artifactPolicy(settings), () => {}),
    pool: options.cache ? options.cache.pool(poolSize(settings.threads)) : new PiscinaPool(poolSize(settings.threads)),
    signal: options.signal ?? new AbortController().signal,
    frame: task.frame,
    outputs: new Map(),
    nodeStatus: new Map(Object.entries(task.nodeStatus)),
    errors: [],
    continuedErrors: [],
    hooks: [],
    hookErrors: [],
    // Never saved on a worker: it only carries the run's identity to the modules' contexts.
    checkpoint: Checkpoint.fresh(job.dir, task.originRunId, job.name, task.contextName),
    secrets,
    redactor,
    spawned: [],
  };
  try {
    const status = await runSubflow(state, sf);
    const lists: Record<string, string> = {};
    if (status === 'success' && task.listPorts.length) {
      mkdirSync(task.artifactDir, { recursive: true });
      for (const key of task.listPorts) {
        const art = state.outputs.get(key);
        if (!art) continue;
        const file = join(task.artifactDir, `${task.runId}-${key}-${frameKey(task.frame)}.parquet`);
        await (await parquet()).writeParquetFile(file, await art.table(), { compression: 'snappy' });
        lists[key] = file;
      }
    }
    // Only the statuses this sub flow set (statuses are never removed): the result stays small in long flows.
    const nodeStatus: Record<string, NodeStatus> = {};
    for (const [k, v] of state.nodeStatus) if (task.nodeStatus[k] !== v) nodeStatus[k] = v;
    return redactor.deep({ status, globals: globals.dumpSet(), nodeStatus, errors: state.errors, continuedErrors: state.continuedErrors, lists });
  } finally {
    state.artifacts.cleanup();
    if (!options.cache) await state.pool.close(); // a cached pool serves the worker's next tasks
  }
}
