import { join } from 'node:path';
import { loadFlowFile, loadJob } from '@pypeline/core';

type Job = ReturnType<typeof loadJob>;

/**
 * The exclusive resources of each sub flow: `modules[].exclusive: true` locks the module
 * itself (`<flow>.<module id>`), a string names a resource every module naming it shares
 * (`warehouse.orders`). Read from the flow the job folder keeps, since the DAG does not
 * carry the key.
 */
export function exclusiveResources(job: Job): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, resource] of exclusiveModules(job)) {
    const sf = job.dag.nodes[id]?.subflow;
    if (!sf) continue;
    const list = out.get(sf) ?? [];
    if (!list.includes(resource)) list.push(resource);
    out.set(sf, list.sort());
  }
  return out;
}

function exclusiveModules(job: Job): Array<[string, string]> {
  return fromFlowFile(job).map(([id, value]) => [id, typeof value === 'string' ? value : `${job.name}.${id}`]);
}

function fromFlowFile(job: Job): Array<[string, unknown]> {
  const data = loadFlowFile(join(job.dir, `${job.name}.yaml`)).doc.data as { modules?: Array<{ id?: unknown; exclusive?: unknown }> } | null;
  const modules = Array.isArray(data?.modules) ? data.modules : [];
  return modules.flatMap((m) => (typeof m?.id === 'string' && (m.exclusive === true || (typeof m.exclusive === 'string' && m.exclusive)) ? [[m.id, m.exclusive] as [string, unknown]] : []));
}
