import type { Artifact, ModuleOutput } from './artifact.js';
import type { ModuleContext } from './context.js';
import type { SchemaContext, SchemaResult } from './output-schemas.js';

/**
 * The four module categories of the PYpeline spec.
 * - `source`: no data in, data out; control in and out
 * - `mod`: data in and out (a transform); no control edges of its own
 * - `sink`: data in, no data out; control out only
 * - `solo`: no data at all, a lone sub flow; control in and out
 */
export type ModuleType = 'source' | 'mod' | 'sink' | 'solo';

/** The version of this contract; a manifest declaring another one is refused. */
export const SDK_API_VERSION = 1;

export type ModuleInputs = Record<string, Artifact>;

/**
 * Converts a config written for the previous major version into one for this major.
 * Receives a copy (required and optional keys merged, templates unresolved) and returns the
 * new config; it must not depend on run-time values.
 * @example (config) => { const { path, ...rest } = config; return { ...rest, file_path: path }; }
 */
export type ConfigMigration = (config: Record<string, unknown>) => Record<string, unknown>;

/** Config migrations by the major version they migrate *to*: `{ 2: fromV1toV2, 3: fromV2toV3 }`. */
export type ConfigMigrations = Record<number, ConfigMigration>;
export type ModuleOutputs = Record<string, ModuleOutput>;

/**
 * The defaults of a Config's optional keys, for
 * `export const DEFAULTS = { prefix: 'hello' } as const satisfies ConfigDefaults<Config>`:
 * only optional keys may appear, each with its key's type, and adding a required key to
 * `Config` needs no change here.
 */
export type ConfigDefaults<C> = { [K in keyof C as object extends Pick<C, K> ? K : never]?: Exclude<C[K], undefined> };

/** What `check` gets: the config as a run would start with it. */
export interface CheckContext<C = Record<string, unknown>> {
  /** Defaults applied and `{{context.x}}` resolved; called only when no field needs a run-time value. */
  readonly config: C;
  /** Aborted when the check takes too long (a host that does not answer). */
  readonly signal: AbortSignal;
  /** `settings.allowed_root` when the flow sets one (paths were checked against it already). */
  readonly allowedRoot?: string;
}

/** What a module author writes. `C` is the module's `Config` interface. */
export interface ModuleDefinition<C = Record<string, unknown>> {
  /** The name flows use in `modules[].name`, e.g. `csv_source`. */
  name: string;
  type: ModuleType;
  description: string;
  /** UI grouping, e.g. `File Sources`. */
  category: string;
  /** Data input ports; must be empty for sources and solos. */
  inputPorts?: string[];
  /**
   * Input ports (each also in `inputPorts`) that take any number of connections, at least one,
   * like SQL's `UNION ALL` of many tables. The module receives them in connection order under
   * the keys `inputKey(port, 0)`, `inputKey(port, 1)`, … (`inputs[0]`, `inputs[1]`; the same in
   * `outputSchemas`' `inputs`); read them with `requireInputList` / `inputList`. Every other
   * input port takes exactly one connection.
   * @example inputPorts: ['inputs'], manyInputPorts: ['inputs']
   */
  manyInputPorts?: string[];
  /** Data output ports; must be empty for sinks and solos. */
  outputPorts?: string[];
  /** Globals this module sets through `ctx.setGlobal`, readable as `{{module_id__name}}`. */
  globals?: string[];
  /**
   * Whether `pype run --cache` may skip this module and reuse its stored outputs when its
   * package version, resolved config, the files named by its `@format path` fields and its
   * inputs' content are unchanged. Set `false` when the output depends on anything else
   * (a database, the clock, globals read with `ctx.getGlobal`) or the module has side effects.
   * Sinks and solos always run, whatever this says.
   * @default true for sources and mods
   */
  cacheable?: boolean;
  /** Runs once per node before the first `run`. */
  setup?(ctx: ModuleContext<C>): Promise<void> | void;
  /** The work. Returns one output per output port (an Arrow table, record batches, or an artifact). */
  run(inputs: ModuleInputs, ctx: ModuleContext<C>): Promise<ModuleOutputs | void>;
  /**
   * The schema of each output port, known before the run from the config and the input
   * schemas, and the config's problems that those schemas reveal (an unknown column, a bad
   * expression). Called by `pype validate`, `pype build` and `pype schema`; never during a run.
   * A source reads what it needs (a header, a footer, a sample, a `LIMIT 0` query) and must
   * give up when `ctx.signal` aborts. A mod checks its config against `ctx.inputs` (an
   * undefined input is unknown: skip the checks that need it). Without this method every
   * output is unknown. Throwing is reported as a warning and the outputs become unknown.
   * @example outputSchemas: ({ inputs }) => ({ outputs: { output: inputs.input ?? unknownSchema('input unknown') } })
   */
  outputSchemas?(ctx: SchemaContext<C>): Promise<SchemaResult> | SchemaResult;
  /**
   * `pype check`: whether the module could run with this config now, without running it or
   * writing anything — an input file is there and readable, an output folder writable, a
   * database reachable with the table visible, a broker answering. Returns one line on what it
   * found (`data/orders.csv: readable, 1.2 kB`); throws, best a ModuleError with a hint, when
   * the run would fail. Must give up when `ctx.signal` aborts.
   */
  check?(ctx: CheckContext<C>): Promise<string | void> | string | void;
  /** Always awaited, on success, failure and cancellation. */
  teardown?(ctx: ModuleContext<C>): Promise<void> | void;
  /**
   * Config migrations between majors, applied by `pype upgrade flow.yaml` to flows built
   * against an older major. Keep every earlier entry when adding a new major.
   * @example { 2: ({ path, ...rest }) => ({ ...rest, file_path: path }) }
   */
  migrations?: ConfigMigrations;
}

/**
 * A module of any config type, as runtimes hold modules they load by name (the config is
 * checked against the module's JSON Schema before it runs, not by the compiler).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one place: a module's Config is only known to the module
export type AnyModuleDefinition = ModuleDefinition<any>;

/** Declares a module; the identity function that gives authors type checking. */
export function defineModule<C = Record<string, unknown>>(def: ModuleDefinition<C>): ModuleDefinition<C> {
  return def;
}
