import type { ModuleType, JsonSchema } from '@pypeline/sdk';
import type { ConfigField } from '../registry/manifest.js';
import type { Settings } from '../flow/types.js';
import type { SchemasFile } from '../schema/edge-schemas.js';

/** One module instance of the flow, with everything a run needs pinned (no registry at run time). */
export interface DagNode {
  id: string;
  name: string;
  package: string;
  version: string;
  /** The import specifier (the package name), as the spec's `module_path`. */
  module_path: string;
  /** The entry file inside the package, e.g. `./dist/index.js`. */
  entry: string;
  /** Absolute path of the entry at build time; used when the package cannot be resolved from the job. */
  resolved_entry: string;
  type: ModuleType;
  category: string;
  description: string;
  input_ports: string[];
  /**
   * Input ports that take any number of connections, delivered as `port[0]`, `port[1]`, … in
   * connection order (`inputKeys`); absent when none (and in job folders built before).
   */
  many_input_ports?: string[];
  output_ports: string[];
  globals: string[];
  /** The config as written in the flow (required and optional merged), templates unresolved. */
  config: Record<string, unknown>;
  /** Retries for this node (the module's own, else settings.retries). */
  retries: number;
  /** Seconds one attempt may take; null = no limit. */
  timeout: number | null;
  /** A failure is collected but fails neither the sub flow nor the run. */
  continue_on_error: boolean;
  config_schema: { required: Record<string, ConfigField>; optional: Record<string, ConfigField> };
  json_schema: JsonSchema;
  subflow: string;
}

export interface DataEdge {
  from: string;
  from_port: string;
  to: string;
  to_port: string;
}

export interface ControlEdge {
  from: string;
  to: string;
  /** `normal` waits for its target; `iterate` runs the target scope once per row of the source's list; `start` fires and forgets. */
  kind: 'normal' | 'iterate' | 'start';
  /** For `iterate`: the output port whose rows are the list. */
  list_port?: string;
  /**
   * Resolved order (`Last` replaced by max(order)+1). Order 0 launches the target at once,
   * beside the source's ordered children; the source's scope ends when it has finished.
   */
  order: number;
  /** For `iterate`: how many iterations run at once (`(iterate parallel 4|)`); 1 when not given. */
  parallel?: number;
  /** As written: `1`, `Last`. */
  order_text: string;
  /** Valve condition in the expression language; null = fire on success. */
  condition: string | null;
  from_subflow: string;
  to_subflow: string;
  /** The connection as written, for messages. */
  text: string;
}

export interface SubFlow {
  id: string;
  modules: string[];
  /** Topological waves: modules of one wave run concurrently. */
  waves: string[][];
  /**
   * A sync gate (`wait` on `module`): how many of the control connections into `module` must fire
   * (`all`, or a count of `of`) before this sub flow runs. Absent: the first to fire runs it.
   */
  wait?: { module: string; count: 'all' | number; of: number };
}

export interface Dag {
  flow: string;
  pypeline_version: string;
  nodes: Record<string, DagNode>;
  data_edges: DataEdge[];
}

export interface ExecutionMetadata {
  flow: string;
  flow_version?: string;
  built_at: string;
  settings: Settings;
  subflows: SubFlow[];
  /** Control edges between sub flows, sorted by source then order. */
  control_edges: ControlEdge[];
  /** Sub flows no control edge leads into, in flow order; the scheduler starts here. */
  roots: string[];
  /** Visiting order of the priority DFS when every valve fires. */
  execution_order: string[];
  context_envs: string[];
  /** The flow's `context_schema`, checked against each run's context. */
  context_schema?: Record<string, unknown>;
  /** When `pype serve` starts the job by itself (the flow's `triggers`, defaults filled in); absent when none. */
  triggers?: PlannedTrigger[];
}

/** A trigger as the job folder keeps it: its kind, its id and its defaults resolved. */
export type PlannedTrigger =
  | { kind: 'cron'; id: string; context: string; cron: string; timezone: string; catch_up: 'none' | 'last' | 'all' }
  | { kind: 'file_arrival'; id: string; context: string; folder: string; pattern: string; context_var: string }
  | { kind: 'job_success'; id: string; context: string; job: string };

/** What `pype build` produces. */
export interface Plan {
  dag: Dag;
  metadata: ExecutionMetadata;
  context: Record<string, Record<string, unknown>>;
  /** The schema on each data connection, when the flow was checked with them (checkFlow). */
  schemas?: SchemasFile;
}
