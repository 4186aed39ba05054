import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { guardPath, knownJobs, loadFlowFile, validateFlow } from '@pypeline/core';
import { draftGraph, planGraph, toProblem } from '../console/flow-graph.js';
import { HttpError } from '../http-error.js';

const FLOW_FILE = /^[A-Za-z0-9][\w.-]*\.ya?ml$/;

/**
 * GET /flows/:file: a flow file under the served root, validated as `pype validate` does. A flow
 * that plans is drawn from its plan; one that does not, from its document, every problem pinned
 * on the module it names.
 */
export function flowsRoute(app: FastifyInstance, jobsDir: string, searchDirs?: string[]): void {
  app.get<{ Params: { file: string } }>('/flows/:file', async (request) => {
    const name = request.params.file;
    if (!FLOW_FILE.test(name)) throw new HttpError(404, `no flow file named "${name}" in ${jobsDir}`, { hint: 'flow files are the *.yaml files directly in the served folder' });
    const file = guardPath(join(jobsDir, name), jobsDir, { where: `flow file ${name}`, rootName: 'the served folder', fix: 'open a flow file inside the served folder' });
    let loaded;
    try {
      loaded = loadFlowFile(file);
    } catch {
      throw new HttpError(404, `no flow file named "${name}" in ${jobsDir}`, { hint: 'flow files are the *.yaml files directly in the served folder' });
    }
    const result = validateFlow(file, { searchDirs, jobs: knownJobs(file, jobsDir) });
    const data = loaded.doc.data as { modules?: Array<{ id?: unknown }>; connections?: { data?: unknown[]; control?: unknown[] } } | null;
    if (!result.plan) return { file: name, ok: false, graph: draftGraph(data, result.diagnostics) };
    const ids = (data?.modules ?? []).map((m, i) => (typeof m?.id === 'string' ? m.id : `modules[${i}]`));
    const connections = { data: (data?.connections?.data ?? []).map(String), control: (data?.connections?.control ?? []).map(String) };
    const nodes = new Map(Object.entries(result.plan.dag.nodes));
    const problems = result.diagnostics.map((d) => toProblem(d, ids, connections, nodes));
    return { file: name, ok: true, graph: planGraph(result.plan.dag, result.plan.metadata, undefined, problems) };
  });
}
