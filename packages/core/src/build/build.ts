import { dirname, resolve } from 'node:path';
import { FlowValidationError } from '../errors.js';
import type { Diagnostic } from '../flow/diagnostics.js';
import { loadFlowFile, loadFlowText } from '../flow/load-flow.js';
import { Collector } from '../plan/collector.js';
import { discoverModules, type Discovery } from '../registry/discover.js';
import { discoverProject } from '../registry/discover-project.js';
import { planFlow } from '../plan/plan-flow.js';
import type { Plan } from '../plan/types.js';
import type { SchemasFile } from '../schema/edge-schemas.js';
import { propagateSchemas, type SchemaOptions } from '../schema/propagate-schemas.js';
import { writeJob } from './write-job.js';

export interface ValidateOptions {
  /** Folders whose node_modules (and their parents') are searched for modules. Default: the flow's folder and cwd. */
  searchDirs?: string[];
  discovery?: Discovery;
  /** The flow's YAML text when it does not come from `file` itself (e.g. a TypeScript flow). */
  text?: string;
  /**
   * The jobs a `job_success` trigger may name (`knownJobs`: the served folder's); when absent,
   * the names are not checked.
   */
  jobs?: readonly string[];
}

export interface ValidateResult {
  file: string;
  plan?: Plan;
  text: string;
  diagnostics: Diagnostic[];
  ok: boolean;
}

/**
 * Load and plan a flow file, collecting every problem of its structure (modules, configs against
 * their JSON Schemas, connections). Never throws for problems in the flow. checkFlow adds the
 * schemas on the connections and the checks that need them.
 */
export function validateFlow(file: string, options: ValidateOptions = {}): ValidateResult {
  return validateLoaded(file, options).result;
}

function validateLoaded(file: string, options: ValidateOptions) {
  const loaded = options.text === undefined ? loadFlowFile(file) : loadFlowText(file, options.text);
  const discovery = options.discovery ?? defaultDiscovery(file, options.searchDirs);
  const { plan, diagnostics } = planFlow(loaded, discovery, { jobs: options.jobs });
  const ok = plan !== undefined && !diagnostics.some((d) => d.severity === 'error');
  return { loaded, planned: plan, result: { file, plan: ok ? plan : undefined, text: loaded.text, diagnostics, ok } satisfies ValidateResult };
}

export interface CheckResult extends ValidateResult {
  /** The schema on every data connection; undefined when the structure is already broken. */
  schemas?: SchemasFile;
}

/**
 * `pype validate`: validateFlow, then the schema of every connection (sources read a header, a
 * footer, a sample or ask their database) and every check that needs one: expressions, column
 * names, aggregate and sort specs, each problem located in the flow. Never throws for problems
 * in the flow; the plan it returns carries the schemas.
 */
export async function checkFlow(file: string, options: ValidateOptions & SchemaOptions = {}): Promise<CheckResult> {
  const { loaded, planned, result } = validateLoaded(file, options);
  if (!planned || !loaded.flow) return result;
  const out = new Collector(loaded.doc);
  const schemas = await propagateSchemas(planned, loaded.flow, out, { ...options, broken: brokenModules(result.diagnostics) });
  const ok = result.ok && !out.hasErrors;
  return { ...result, diagnostics: [...result.diagnostics, ...out.diagnostics], ok, plan: ok ? { ...planned, schemas } : undefined, schemas };
}

/** Indexes of the modules with an error of their own (their config is not what their module expects). */
function brokenModules(diagnostics: Diagnostic[]): Set<number> {
  const broken = new Set<number>();
  for (const d of diagnostics) {
    const m = d.severity === 'error' ? /^modules\[(\d+)\]/.exec(d.path) : null;
    if (m) broken.add(Number(m[1]));
  }
  return broken;
}

export interface BuildResult extends ValidateResult {
  jobDir: string;
  plan: Plan;
}

/**
 * `pype build`: checkFlow, then the job folder with the connections' schemas. Throws
 * FlowValidationError listing every problem. `durable: false` (a temp job folder) skips fsyncs.
 */
export async function buildCheckedFlow(file: string, options: ValidateOptions & SchemaOptions & { outDir?: string; durable?: boolean } = {}): Promise<BuildResult> {
  const result = await checkFlow(file, options);
  if (!result.ok || !result.plan) throw new FlowValidationError(file, result.diagnostics);
  const jobDir = writeJob(result.plan, result.text, options.outDir ?? 'jobs', { durable: options.durable });
  return { ...result, plan: result.plan, jobDir };
}

/**
 * Validate (structure only, no schemas: nothing is read), plan and write the job folder. Throws
 * FlowValidationError on problems. For what `pype build` does, use buildCheckedFlow.
 */
export function buildFlow(file: string, options: ValidateOptions & { outDir?: string } = {}): BuildResult {
  const result = validateFlow(file, options);
  if (!result.ok || !result.plan) throw new FlowValidationError(file, result.diagnostics);
  const jobDir = writeJob(result.plan, result.text, options.outDir ?? 'jobs');
  return { ...result, plan: result.plan, jobDir };
}

/** Installed packages near the flow and the working directory, plus workspace packages nothing depends on yet. */
export function defaultDiscovery(file: string, searchDirs?: string[]): Discovery {
  if (searchDirs) return discoverModules(searchDirs);
  const project = discoverProject(process.cwd());
  const near = discoverModules([dirname(resolve(file))]);
  for (const e of near.entries) if (!project.entries.some((p) => p.package === e.package && p.version === e.version)) project.entries.push(e);
  return project;
}
