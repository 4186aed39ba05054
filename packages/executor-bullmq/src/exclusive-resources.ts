import { join } from 'node:path';
import { loadFlowText, loadJob, readFlowFile } from '@pypeline/core';

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
  const file = join(job.dir, `${job.name}.yaml`);
  const text = readFlowFile(file);
  // Most flows lock nothing: the YAML parse (a third of a millisecond per sub flow of a 100-task
  // run, paid by every distributed run) is skipped when the key cannot be there. A key spelt
  // with escapes ("\x65xclusive") has a backslash, so that text is parsed like any other.
  if (!text.includes('exclusive') && !text.includes('\\')) return [];
  const data = loadFlowText(file, text).doc.data as { modules?: Array<{ id?: unknown; exclusive?: unknown }> } | null;
  const modules = Array.isArray(data?.modules) ? data.modules : [];
  return modules.flatMap((m) => (typeof m?.id === 'string' && (m.exclusive === true || (typeof m.exclusive === 'string' && m.exclusive)) ? [[m.id, m.exclusive] as [string, unknown]] : []));
}
