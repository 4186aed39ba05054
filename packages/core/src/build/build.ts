import { dirname, resolve } from 'node:path';
import { FlowValidationError } from '../errors.js';
import type { Diagnostic } from '../flow/diagnostics.js';
import { loadFlowFile, loadFlowText } from '../flow/load-flow.js';
import { discoverModules, type Discovery } from '../registry/discover.js';
import { discoverProject } from '../registry/discover-project.js';
import { planFlow } from '../plan/plan-flow.js';
import type { Plan } from '../plan/types.js';
import { writeJob } from './write-job.js';

export interface ValidateOptions {
  /** Folders whose node_modules (and their parents') are searched for modules. Default: the flow's folder and cwd. */
  searchDirs?: string[];
  discovery?: Discovery;
  /** The flow's YAML text when it does not come from `file` itself (e.g. a TypeScript flow). */
  text?: string;
}

export interface ValidateResult {
  file: string;
  plan?: Plan;
  text: string;
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** Load and plan a flow file, collecting every problem. Never throws for problems in the flow. */
export function validateFlow(file: string, options: ValidateOptions = {}): ValidateResult {
  const loaded = options.text === undefined ? loadFlowFile(file) : loadFlowText(file, options.text);
  const discovery = options.discovery ?? defaultDiscovery(file, options.searchDirs);
  const { plan, diagnostics } = planFlow(loaded, discovery);
  const ok = plan !== undefined && !diagnostics.some((d) => d.severity === 'error');
  return { file, plan: ok ? plan : undefined, text: loaded.text, diagnostics, ok };
}

export interface BuildResult extends ValidateResult {
  jobDir: string;
  plan: Plan;
}

/** `pype build`: validate, plan and write the job folder. Throws FlowValidationError on problems. */
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
