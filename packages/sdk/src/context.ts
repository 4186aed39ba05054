import type { ArtifactManager } from './artifact.js';

export interface ModuleLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface PoolTask {
  /** Absolute path or file URL of an ESM worker file whose default export handles the task. */
  filename: string;
  /** Function to call in the worker file; default export when omitted. */
  name?: string;
  /** Buffers moved (not copied) to the worker. */
  transferList?: ArrayBuffer[];
  signal?: AbortSignal;
}

/** The process-wide worker pool for CPU-heavy work. */
export interface WorkerPool {
  readonly size: number;
  run<T = unknown>(payload: unknown, task: PoolTask): Promise<T>;
}

/** Everything a module sees while it runs (the spec's RunContext). */
export interface ModuleContext<C = Record<string, unknown>> {
  /**
   * The run this work belongs to. `pype run --resume` continues the interrupted run under the
   * same id (however often it is resumed), and every worker of a distributed run sees it too;
   * a fresh `pype run` gets a new one. With `nodeId` it keys what a sink records about its
   * commit, so a resumed run can tell a write that happened from one that did not (see
   * "How a sink makes its commit idempotent" in docs/module-authoring.md).
   * @example "20250114T093012-a3f9c1"
   */
  readonly runId: string;
  /**
   * The iteration frame: `0` outside ITERATE loops, else the iteration indexes from the
   * outermost loop in, joined by `.` (`3`, or `3.1` in a nested loop), so every frame of a run
   * has its own. A resumed loop iterates over the same list (saved in the checkpoint), so a
   * frame names the same item again.
   */
  readonly frame: string;
  /** `module_id#frame`: unique per module and frame within a run (`load#2`, `load#2.0`). */
  readonly nodeId: string;
  readonly moduleId: string;
  readonly iterIndex: number;
  readonly iterItem: unknown;
  /** The config with templates resolved and defaults applied. */
  readonly config: C;
  readonly logger: ModuleLogger;
  readonly artifacts: ArtifactManager;
  readonly pool: WorkerPool;
  /** Aborted on run timeout or shutdown; long work should check it. */
  readonly signal: AbortSignal;
  /**
   * `settings.allowed_root` when the flow sets one. Config fields marked `@format path` are
   * checked against it before `run`; a path the module finds by itself (a listing, a glob
   * match) must be checked with `guardPath` from this package.
   */
  readonly allowedRoot?: string;
  /**
   * Bytes of data an out-of-core operator of this module may hold in memory before it spills
   * (`settings.spill.memory_budget`; by default 1/16 of the machine's memory, 16 to 128 MiB).
   * Pass it to `externalSort` / `partitionedRun` of `@pypeline/spill`.
   */
  readonly memoryBudget: number;
  /**
   * A fresh, empty folder in the run's temp area for this module's spill files. Every folder
   * it gives is removed when the run ends, whether it succeeded, failed or was aborted.
   */
  tempDir(): string;
  /** Sets `{node_id}.{key}`; readable by later modules as `{{module_id__key}}`. */
  setGlobal(key: string, value: unknown): void;
  /**
   * Tells progress displays (`pype run` on a terminal, the web console) how far a read has got:
   * `bytes` read so far of `totalBytes` (a file's size), for a rate and an ETA. Cheap enough to
   * call per chunk; the engine throttles it. Rows need no report: the engine counts the batches
   * of a module's streams. Optional: a context without it (an older engine) shows no bytes.
   */
  progress?(update: { bytes: number; totalBytes?: number }): void;
  /** Reads a global of a module (case-insensitive); undefined when unset. */
  getGlobal(moduleId: string, key: string): unknown;
}
