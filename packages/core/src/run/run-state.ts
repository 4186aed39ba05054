import type { Artifact, ModuleDefinition } from '@pypeline/sdk';
import type { Job } from './load-job.js';
import type { ArtifactStore } from './artifact-store.js';
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

/** Everything the scheduler and the node runner share during one run. */
export interface RunState {
  job: Job;
  modules: Map<string, ModuleDefinition<any>>;
  context: Record<string, unknown>;
  globals: GlobalStore;
  bus: EventBus;
  artifacts: ArtifactStore;
  pool: PiscinaPool;
  signal: AbortSignal;
  /** `module_id.port` -> the artifact it produced. */
  outputs: Map<string, Artifact>;
  nodeStatus: Map<string, NodeStatus>;
  errors: RunError[];
}
