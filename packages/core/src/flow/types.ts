// WARNING: `FlowDocument` and the types it names are the source of schema/flow.schema.json
// (generated: `npx vitest run src/flow/flow-schema.test.ts -u` in packages/core). Their JSDoc
// text becomes each key's description, which the loader prints as the hint of a pattern error,
// and docs/flow-reference.md must mention every key.

/**
 * A PYpeline flow: modules joined by data and control connections.
 * @title PYpeline flow
 * @id https://pypeline.dev/schema/flow.schema.json
 */
export interface FlowDocument {
  /** Metadata naming the flow; `name` names the job folder. */
  flow: FlowMeta;
  /** How the flow runs. */
  settings?: SettingsDocument;
  /**
   * A JSON Schema (draft-07) every context must satisfy: `pype build` checks the declared
   * contexts, `pype run` and `pype serve` each run's context, listing every error. A TypeScript
   * flow generates it from its exported `Context` type.
   */
  context_schema?: Record<string, unknown>;
  /**
   * Context variables per environment (`default`, `prod`, ...), read in configs as
   * `{{context.name}}`. Each becomes `context/<flow>_<env>.json` in the job folder.
   * @propertyNames {"pattern": "^[A-Za-z0-9_-]+$"}
   */
  context?: Record<string, ContextVariables>;
  /**
   * The modules of the flow.
   * @minItems 1
   */
  modules: ModuleDocument[];
  /** How modules are joined. */
  connections?: Connections;
  /**
   * When `pype serve` starts this job by itself: on a cron schedule, when a file arrives in a
   * folder, or after another job succeeds. Each entry has exactly one of `cron`, `file_arrival`
   * and `job_success` (see docs/flow-reference.md#triggers).
   */
  triggers?: TriggerDocument[];
}

/** One trigger: exactly one of `cron`, `file_arrival` or `job_success`. */
export interface TriggerDocument {
  /**
   * Name of the trigger, unique in the flow; runs it starts are recorded with it. Default:
   * `cron`, `file_arrival` or `job_success`, numbered from the second of a kind on (`cron_2`).
   * @pattern ^[A-Za-z][A-Za-z0-9_-]*$
   */
  id?: string;
  /**
   * A cron schedule: five fields (minute hour day-of-month month day-of-week) or six with
   * seconds first, e.g. `0 2 * * *` (at 02:00) or `0/10 * * * * *` (every 10 seconds).
   */
  cron?: string;
  /** Cron: the IANA time zone the schedule is read in, e.g. `Europe/Paris`. Default UTC. */
  timezone?: string;
  /**
   * Cron: what `pype serve` does with missed ticks (those that passed while it was down or too
   * busy; only the newest tick due, when at most a minute old, is on time): `none` skips them,
   * `last` (default) runs once for the newest of them unless a tick on time runs, `all` runs once
   * for each of them (at most 100), oldest first.
   */
  catch_up?: 'none' | 'last' | 'all';
  /** Start a run for each new file in a folder; the run gets the file's path as a context value. */
  file_arrival?: FileArrivalDocument;
  /**
   * The name of another job served from the same folder: a run of this job starts after each
   * successful run of it.
   * @pattern ^[A-Za-z][A-Za-z0-9_-]*$
   */
  job_success?: string;
  /** The context (environment) the runs it starts use. Default `default`. @pattern ^[A-Za-z0-9_-]+$ */
  context?: string;
}

export interface FileArrivalDocument {
  /** The folder to watch; a relative path resolves from the working directory of `pype serve`. */
  folder: string;
  /** Which file names start a run, a glob such as `*.csv`. Default `*`. */
  pattern?: string;
  /**
   * The context variable that receives the new file's absolute path, read in configs as
   * `{{context.trigger_file}}`. Default `trigger_file`.
   * @pattern ^[A-Za-z_][A-Za-z0-9_]*$
   */
  context_var?: string;
}

export interface FlowMeta {
  /**
   * Job name: letters, digits, `_` and `-`, starting with a letter.
   * @pattern ^[A-Za-z][A-Za-z0-9_-]*$
   */
  name: string;
  /** The flow's own version, free text (e.g. 1.0.0). */
  version?: string;
  /** What the flow does. */
  description?: string;
  /** Who maintains the flow. */
  authors?: string[];
  /** Creation date, free text (e.g. 2025-01-15). */
  created?: string;
}

export interface SettingsDocument {
  /**
   * Run-level timeout in seconds; the run is cancelled and fails when it is exceeded. Default: none.
   * @exclusiveMinimum 0
   */
  timeout?: number;
  /**
   * How many times a failed module is retried before its sub flow fails. Default 0.
   * @asType integer
   * @minimum 0
   */
  retries?: number;
  /** `halt` stops at the first failed sub flow; `continue` runs everything that does not depend on it. Default halt. */
  fail_strategy?: 'halt' | 'continue';
  /**
   * How the flow runs. `batch` (default): sub flows run to completion in this process, batches
   * streaming between modules in bounded memory, big artifacts spilled to Parquet. `memory`:
   * the same, with every artifact materialised whole in memory and never spilled (for modules
   * or debugging that want whole tables; needs RAM for the data). `distributed`: sub flows run
   * on workers of a Redis queue, as `pype run --executor bullmq`, with `settings.distributed`.
   * `stream`: the flow is a stream app that runs until stopped (see docs/streaming.md).
   */
  execution_mode?: 'batch' | 'memory' | 'distributed' | 'stream';
  /** `execution_mode: distributed`: where the workers' queue is. Flags (`--redis`, `--queue`) win over these. */
  distributed?: DistributedDocument;
  /** Stream flows: how often a checkpoint is taken, as a duration (`10s`, `1m`) or milliseconds. Default 10s. */
  checkpoint_interval?: string | Integer;
  /**
   * Size of the worker pool for CPU-heavy work. Default: PYPELINE_THREADS, else the number of CPUs.
   * @asType integer
   * @minimum 1
   */
  threads?: number;
  /** When artifacts move from memory to Parquet files in a temp folder. */
  spill?: SpillDocument;
  /**
   * When set, every config value that is a path (fields marked `@format path` in a module's
   * Config) must stay inside this folder after templating; relative paths resolve from the
   * working directory.
   */
  allowed_root?: string;
}

export interface DistributedDocument {
  /** Redis URL of the queue. Default: PYPE_REDIS_URL, else redis://127.0.0.1:6379. */
  redis?: string;
  /** Name of the work queue. Default: PYPE_QUEUE, else `pype`. */
  queue?: string;
}

export interface SpillDocument {
  /**
   * Artifacts with more rows are spilled. Default 10000000.
   * @asType integer
   * @minimum 0
   */
  threshold_rows?: number;
  /**
   * Spill when the process RSS exceeds this share of total memory. Default 0.5.
   * @exclusiveMinimum 0
   * @maximum 1
   */
  max_ram_share?: number;
  /**
   * Memory an out-of-core module (sort_mod, and other modules built on the spill package) may hold
   * before it writes sorted runs or partitions to the run's temp area: bytes, or a size such
   * as `256MB`, `1GiB`. Default: 1/16 of the machine's memory, at least 16 MiB, at most 128 MiB.
   * @pattern ^\s*\d+(\.\d+)?\s*([kKmMgGtT]i?)?[bB]?\s*$
   */
  memory_budget?: string | Integer;
}

export type ContextValue = string | number | boolean | null;

/** @propertyNames {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"} */
export type ContextVariables = Record<string, ContextValue>;

export interface ModuleDocument {
  /**
   * Unique id in this flow: letters, digits and single `_` (a double `__` separates module and
   * variable in `{{id__var}}`).
   * @pattern ^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*_?$
   */
  id: string;
  /** The module to use, e.g. `csv_source` (see `pype list-modules`). */
  name: string;
  /** The npm package providing the module, when several provide the same name. */
  package?: string;
  /** What this step does, for readers of the flow. */
  description?: string;
  /**
   * Retries for this module; overrides settings.retries.
   * @asType integer
   * @minimum 0
   */
  retries?: number;
  /**
   * Seconds one attempt of this module may take; a slower attempt is cancelled and counts as a
   * failure (retried if retries remain).
   * @exclusiveMinimum 0
   */
  timeout?: number;
  /**
   * Run at most one instance at a time across workers and runs (a Redis lock with a lease when
   * sub flows run on a queue): `true` locks this module, a string names a resource shared by
   * every module naming it (e.g. `warehouse.orders`).
   */
  exclusive?: boolean | string;
  /**
   * When true, a failure of this module is collected in the run's result but fails neither its
   * sub flow nor the run; modules that need its data are skipped. Default false.
   */
  continue_on_error?: boolean;
  /**
   * A sync gate, for a module two or more control connections lead into: how many of them must
   * fire before its sub flow runs. `any` (default): the first to fire runs it. `all`: it runs when
   * the last one has fired, and is skipped as soon as one cannot. A number N: it runs when the
   * N-th has fired, and is skipped as soon as fewer than N can. The branches' statuses stay
   * readable in conditions (`{{load_a__status}} == 'failed'`).
   */
  wait?: 'any' | 'all' | Integer;
  /** The module's configuration, split as in its CONFIG_SCHEMA. */
  configs?: ModuleConfigs;
}

export interface ModuleConfigs {
  /** Values for the module's required config keys. */
  required?: Record<string, unknown>;
  /** Values for optional config keys; omitted keys take their defaults. */
  optional?: Record<string, unknown>;
}

export interface Connections {
  /** Data connections `"from_id.port - to_id.port"`: data flows inside a sub flow. */
  data?: string[];
  /** Control connections `"from_id (order|condition) to_id"`: order 1..N or `Last`, condition optional. */
  control?: string[];
}

/** @asType integer */
type Integer = number;

/** The flow document after schema validation, with defaults applied. */
export interface Flow {
  flow: FlowMeta;
  settings: Settings;
  context: Record<string, Record<string, ContextValue>>;
  context_schema?: Record<string, unknown>;
  modules: ModuleSpec[];
  connections: Required<Connections>;
  triggers?: TriggerDocument[];
}

/** Settings with the defaults of DEFAULT_SETTINGS filled in. */
export interface Settings extends Omit<SettingsDocument, 'retries' | 'fail_strategy' | 'execution_mode' | 'spill'> {
  retries: number;
  fail_strategy: 'halt' | 'continue';
  execution_mode: NonNullable<SettingsDocument['execution_mode']>;
  spill: Required<Omit<SpillDocument, 'memory_budget'>> & Pick<SpillDocument, 'memory_budget'>;
}

export interface ModuleSpec extends Omit<ModuleDocument, 'configs'> {
  configs: Required<ModuleConfigs>;
}

export const DEFAULT_SETTINGS: Settings = {
  retries: 0,
  fail_strategy: 'halt',
  execution_mode: 'batch',
  spill: { threshold_rows: 10_000_000, max_ram_share: 0.5 },
};
