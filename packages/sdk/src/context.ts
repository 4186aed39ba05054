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
  /** `module_id#iter_index`. */
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
  /** Sets `{node_id}.{key}`; readable by later modules as `{{module_id__key}}`. */
  setGlobal(key: string, value: unknown): void;
  /** Reads a global of a module (case-insensitive); undefined when unset. */
  getGlobal(moduleId: string, key: string): unknown;
}
