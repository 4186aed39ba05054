import type { Artifact, AnyModuleDefinition } from '@pypeline/sdk';
import type { Job } from './load-job.js';
import type { ArtifactStore } from './artifact-store.js';
import type { Checkpoint } from './checkpoint.js';
import type { RunCache } from '../cache/run-cache.js';
import type { Hooks } from './hooks.js';
import type { SubflowExecutor } from './subflow-task.js';
import type { Redactor } from '../secrets/redactor.js';
import type { EventBus, NodeStatus } from './events.js';
import type { GlobalStore } from './globals.js';
import type { PiscinaPool } from './worker-pool.js';

/** A failure collected during the run, for the result and the exit message. */
export interface RunError {
  nodeId?: string;
  subflow?: string;
  message: string;
  hint?: string;
  stack?: string;
}

/** An iteration frame: where in (possibly nested) ITERATE loops the current work runs. */
export interface Frame {
  /** Iteration indexes from the outermost loop in; empty outside any loop. */
  path: number[];
  /** The current list item of the innermost loop. */
  item: unknown;
}

/** `0` outside loops, else the indexes joined by `.` (`3`, `3.1`): the part after `#` in node ids. */
export function frameKey(frame: Frame): string {
  return frame.path.length ? frame.path.join('.') : '0';
}

/** `module_id#iter_index`. */
export function nodeIdOf(state: RunState, moduleId: string): string {
  return `${moduleId}#${frameKey(state.frame)}`;
}

/**
 * Everything the scheduler and the node runner share during one run. An iteration works on
 * a shallow copy with its own frame and its own `outputs`, so artifacts never leak between
 * iterations while globals, statuses and errors stay shared.
 */
export interface RunState {
  job: Job;
  modules: Map<string, AnyModuleDefinition>;
  context: Record<string, unknown>;
  contextName: string;
  globals: GlobalStore;
  bus: EventBus;
  artifacts: ArtifactStore;
  pool: PiscinaPool;
  signal: AbortSignal;
  frame: Frame;
  /** `module_id.port` -> the artifact it produced (in this frame). */
  outputs: Map<string, Artifact>;
  /** node id (`module#frame`) -> status. */
  nodeStatus: Map<string, NodeStatus>;
  errors: RunError[];
  /** Failures of modules with continue_on_error: reported, but they fail neither sub flow nor run. */
  continuedErrors: RunError[];
  hooks: Hooks[];
  hookErrors: string[];
  checkpoint: Checkpoint;
  /** `{{secret.x}}` values, resolved before the run started; memory only. */
  secrets: ReadonlyMap<string, string>;
  redactor: Redactor;
  /** Set when sub flows run elsewhere (a queue of workers); local otherwise. */
  executor?: { run: SubflowExecutor['run']; artifactDir: string };
  /** Scopes started by START edges; the run waits for all of them before it ends. */
  spawned: Promise<void>[];
  /** `--cache`: where module outputs are looked up and stored; undefined when caching is off. */
  cache?: RunCache;
  /** `RunOptions.limit`: rows each source output is capped at; undefined for a full run. */
  limit?: number;
}
