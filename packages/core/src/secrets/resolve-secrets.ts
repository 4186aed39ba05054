import { PypeError } from '../errors.js';
import type { Job } from '../run/load-job.js';
import { findRefs, TEMPLATE_REF, classifyRef } from '../template/references.js';
import type { SecretProvider } from './providers.js';
import type { Redactor } from './redactor.js';

/** Every `{{secret.x}}` a job uses, in configs and valve conditions. */
export function secretNames(job: Job, only?: Set<string>): string[] {
  const names = new Set<string>();
  // A worker's task names its few modules: looked up by id, not found by scanning the whole DAG.
  const nodes = only ? [...only].flatMap((id) => job.dag.nodes[id] ?? []) : Object.values(job.dag.nodes);
  for (const node of nodes) {
    for (const { ref } of findRefs(node.config)) if (ref.kind === 'secret') names.add(ref.name);
  }
  for (const name of conditionSecrets(job)) names.add(name);
  return [...names];
}

/** The secrets of a job's valve conditions, read once per loaded job (a worker's tasks share it). */
const conditionSecretsOf = new WeakMap<Job, string[]>();
function conditionSecrets(job: Job): string[] {
  let names = conditionSecretsOf.get(job);
  if (!names) {
    const found = new Set<string>();
    for (const e of job.metadata.control_edges) {
      for (const m of (e.condition ?? '').matchAll(TEMPLATE_REF)) {
        const ref = classifyRef(m[1]);
        if (ref.kind === 'secret') found.add(ref.name);
      }
    }
    conditionSecretsOf.set(job, (names = [...found]));
  }
  return names;
}

/**
 * Fetches every secret the job needs before anything runs, so a missing one fails fast.
 * Values go to the redactor at once; they live only in memory.
 */
export async function resolveSecrets(job: Job, providers: SecretProvider[], redactor: Redactor, only?: Set<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const missing: string[] = [];
  for (const name of secretNames(job, only)) {
    let value: string | undefined;
    for (const p of providers) {
      value = await p.get(name);
      if (value !== undefined) break;
    }
    if (value === undefined) missing.push(name);
    else {
      redactor.add(value, name);
      out.set(name, value);
    }
  }
  if (missing.length) {
    throw new PypeError(`secret(s) not found: ${missing.join(', ')} (looked in: ${providers.map((p) => p.name).join(', ')})`, {
      hint: `set PYPE_SECRET_${missing[0].toUpperCase()}, put a file named ${missing[0]} in PYPE_SECRETS_DIR, or store it in Vault (VAULT_ADDR, PYPE_VAULT_PATH)`,
    });
  }
  return out;
}
