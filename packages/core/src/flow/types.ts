/** The flow document after schema validation, with defaults applied. */
export interface Flow {
  flow: { name: string; version?: string; description?: string; authors?: string[]; created?: string };
  settings: Settings;
  context: Record<string, Record<string, ContextValue>>;
  /** A JSON Schema every context must satisfy, checked at build and at run. */
  context_schema?: Record<string, unknown>;
  modules: ModuleSpec[];
  connections: { data: string[]; control: string[] };
}

export type ContextValue = string | number | boolean | null;

export interface Settings {
  /** Seconds; undefined = no run timeout. */
  timeout?: number;
  retries: number;
  fail_strategy: 'halt' | 'continue';
  execution_mode: 'batch' | 'stream';
  /** Stream flows: how often a checkpoint is taken (duration text or ms). */
  checkpoint_interval?: string | number;
  /** undefined = PYPELINE_THREADS or the CPU count. */
  threads?: number;
  spill: { threshold_rows: number; max_ram_share: number };
  /** Paths in configs must stay inside this folder. */
  allowed_root?: string;
}

export interface ModuleSpec {
  id: string;
  name: string;
  package?: string;
  description?: string;
  /** Overrides settings.retries. */
  retries?: number;
  /** Seconds per attempt. */
  timeout?: number;
  continue_on_error?: boolean;
  configs: { required: Record<string, unknown>; optional: Record<string, unknown> };
}

export const DEFAULT_SETTINGS: Settings = {
  retries: 0,
  fail_strategy: 'halt',
  execution_mode: 'batch',
  spill: { threshold_rows: 10_000_000, max_ram_share: 0.5 },
};
