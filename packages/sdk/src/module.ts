import type { Artifact, ModuleOutput } from './artifact.js';
import type { ModuleContext } from './context.js';

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
export type ModuleOutputs = Record<string, ModuleOutput>;

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
  /** Data output ports; must be empty for sinks and solos. */
  outputPorts?: string[];
  /** Globals this module sets through `ctx.setGlobal`, readable as `{{module_id__name}}`. */
  globals?: string[];
  /** Runs once per node before the first `run`. */
  setup?(ctx: ModuleContext<C>): Promise<void> | void;
  /** The work. Returns one output per output port (an Arrow table, record batches, or an artifact). */
  run(inputs: ModuleInputs, ctx: ModuleContext<C>): Promise<ModuleOutputs | void>;
  /** Always awaited, on success, failure and cancellation. */
  teardown?(ctx: ModuleContext<C>): Promise<void> | void;
}

/** Declares a module; the identity function that gives authors type checking. */
export function defineModule<C = Record<string, unknown>>(def: ModuleDefinition<C>): ModuleDefinition<C> {
  return def;
}
