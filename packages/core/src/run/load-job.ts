import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { AnyModuleDefinition } from '@pypeline/sdk';
import { jobFiles } from '../build/job-files.js';
import { PypeError } from '../errors.js';
import { discoverModules } from '../registry/discover.js';
import { importModule, ModuleImportError } from '../registry/import-module.js';
import type { Dag, DagNode, ExecutionMetadata } from '../plan/types.js';
import { errorMessage } from '@pypeline/sdk';

export interface Job {
  dir: string;
  name: string;
  dag: Dag;
  metadata: ExecutionMetadata;
}

/** Reads a built job folder (no registry needed: the DAG pins every module). */
export function loadJob(dir: string): Job {
  const jobDir = resolve(dir);
  if (!existsSync(jobDir) || !statSync(jobDir).isDirectory()) {
    throw new PypeError(`job folder not found: ${dir}`, { hint: 'build it first with `pype build flow.yaml`, or run the flow file directly: `pype run flow.yaml`' });
  }
  const dagFile = readdirSync(jobDir).find((f) => f.endsWith('_dag.json'));
  if (!dagFile) throw new PypeError(`${dir} is not a job folder (no *_dag.json in it)`, { hint: 'build one with `pype build flow.yaml --out jobs`' });
  const name = dagFile.slice(0, -'_dag.json'.length);
  const files = jobFiles(jobDir, name);
  return { dir: jobDir, name, dag: readJson(files.dag), metadata: readJson(files.metadata) };
}

export function loadContext(job: Job, env: string): Record<string, unknown> {
  const file = jobFiles(job.dir, job.name).context(env);
  if (!existsSync(file)) {
    const envs = existsSync(join(job.dir, 'context'))
      ? readdirSync(join(job.dir, 'context')).map((f) => f.replace(`${job.name}_`, '').replace(/\.json$/, ''))
      : [];
    throw new PypeError(`context "${env}" not found: ${file} does not exist`, { hint: `available contexts: ${envs.join(', ') || 'none'}` });
  }
  return readJson(file);
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PypeError(`cannot read ${basename(file)}: ${errorMessage(err)}`, { hint: 'rebuild the job with `pype build`' });
  }
}

/**
 * Imports each node's module from the package pinned in the DAG. The installed major version
 * must match the pinned one; otherwise the run stops before anything executes.
 */
export async function loadModules(job: Job, searchDirs: string[], only?: Set<string>): Promise<Map<string, AnyModuleDefinition>> {
  const installed = discoverModules([job.dir, ...searchDirs]).entries;
  const out = new Map<string, AnyModuleDefinition>();
  const problems: string[] = [];
  const broken: ModuleImportError[] = [];
  for (const node of Object.values(job.dag.nodes)) {
    if (only && !only.has(node.id)) continue;
    try {
      out.set(node.id, await importNode(node, installed));
    } catch (err) {
      if (err instanceof ModuleImportError) {
        broken.push(err);
        problems.push(`${node.id} (${node.name}): ${err.message}`);
      } else problems.push(err instanceof PypeError ? err.message : `${node.id}: ${errorMessage(err)}`);
    }
  }
  if (problems.length) {
    // A package that is installed but fails as it loads needs its own fix, not a reinstall of the pinned versions.
    const hints = [
      ...(broken.length ? [...new Set(broken.map((b) => b.hint!))] : []),
      ...(broken.length < problems.length ? ['install the pinned packages (npm install <package>@<version>) or rebuild the job with `pype build`; after a major upgrade, run `pype upgrade <flow.yaml>` first if the module ships config migrations'] : []),
    ];
    throw new PypeError(`cannot load the job's modules:\n  - ${problems.join('\n  - ')}`, { hint: hints.join('; ') });
  }
  return out;
}

async function importNode(node: DagNode, installed: ReturnType<typeof discoverModules>['entries']): Promise<AnyModuleDefinition> {
  const candidates = installed.filter((e) => e.package === node.package);
  const sameMajor = candidates.find((e) => major(e.version) === major(node.version));
  let file: string;
  if (sameMajor) file = join(sameMajor.package_dir, sameMajor.entry);
  else if (candidates.length) {
    throw new PypeError(
      `${node.id}: the job pins ${node.package}@${node.version} but ${candidates.map((c) => c.version).join(', ')} is installed (a different major version)`,
    );
  } else if (existsSync(node.resolved_entry)) file = node.resolved_entry;
  else throw new PypeError(`${node.id}: package ${node.package}@${node.version} is not installed`);

  return importModule(file, node.package, sameMajor?.version ?? node.version);
}

function major(version: string): string {
  return version.split('.')[0];
}
