import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SchemasFile } from '@pypeline/core';
import { planGraph } from '../console/flow-graph.js';
import { findJob } from '../job-folders.js';
import type { RunRegistry, RunView } from '../run-registry.js';

/** A job folder or a flow file under the served root, as GET /jobs lists them. */
export interface JobEntry {
  name: string;
  kind: 'job' | 'flow';
  /** Flow files: the file name inside the served root. */
  file?: string;
  modules?: number;
  subflows?: number;
  builtAt?: string;
  version?: string;
  lastRun?: RunView;
}

/**
 * GET /jobs: the built job folders and the flow files under the served root, each job with its
 * newest run. GET /jobs/:name: the job's graph (from its plan). GET /jobs/:name/runs: its history,
 * newest first, from the run store (so it outlives restarts).
 */
export function jobsRoutes(app: FastifyInstance, runs: RunRegistry, jobsDir: string): void {
  app.get('/jobs', async () => ({ jobs: await listEntries(jobsDir, runs) }));

  app.get<{ Params: { name: string } }>('/jobs/:name', async (request) => {
    const job = findJob(jobsDir, request.params.name);
    const schemasFile = join(job.dir, `${job.name}_schemas.json`);
    const schemas = existsSync(schemasFile) ? (JSON.parse(readFileSync(schemasFile, 'utf8')) as SchemasFile) : undefined;
    return {
      name: job.name,
      version: job.metadata.flow_version,
      builtAt: job.metadata.built_at,
      contexts: job.metadata.context_envs,
      settings: job.metadata.settings,
      graph: planGraph(job.dag, job.metadata, schemas),
    };
  });

  app.get<{ Params: { name: string }; Querystring: { limit?: string } }>('/jobs/:name/runs', async (request) => {
    const job = findJob(jobsDir, request.params.name);
    const limit = Math.min(500, Math.max(1, Number(request.query.limit ?? 50) || 50));
    return { runs: await runs.list({ job: job.name, limit }) };
  });
}

async function listEntries(jobsDir: string, runs: RunRegistry): Promise<JobEntry[]> {
  if (!existsSync(jobsDir)) return [];
  const entries: JobEntry[] = [];
  for (const d of readdirSync(jobsDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (d.name.startsWith('.')) continue;
    if (d.isFile() && /\.ya?ml$/.test(d.name)) entries.push({ name: d.name.replace(/\.ya?ml$/, ''), kind: 'flow', file: d.name });
    if (!d.isDirectory() || !existsSync(join(jobsDir, d.name, `${d.name}_dag.json`))) continue;
    const job = findJob(jobsDir, d.name);
    const [lastRun] = await runs.list({ job: job.name, limit: 1 });
    entries.push({
      name: job.name, kind: 'job', modules: Object.keys(job.dag.nodes).length, subflows: job.metadata.subflows.length,
      builtAt: job.metadata.built_at, version: job.metadata.flow_version, ...(lastRun ? { lastRun } : {}),
    });
  }
  return entries;
}
