import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomicSync } from '@pypeline/sdk';
import type { Plan } from '../plan/types.js';
import { jobFiles } from './job-files.js';

/**
 * Writes the job folder `<outDir>/<name>/`; returns its path. `durable: false` skips the fsyncs,
 * for a folder that lives only as long as this process (`pype run flow.yaml`).
 */
export function writeJob(plan: Plan, flowText: string, outDir: string, { durable = true }: { durable?: boolean } = {}): string {
  const name = plan.dag.flow;
  const jobDir = resolve(join(outDir, name));
  const files = jobFiles(jobDir, name);
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  writeFileAtomicSync(files.flow, flowText, { durable });
  writeFileAtomicSync(files.dag, json(plan.dag), { durable });
  writeFileAtomicSync(files.metadata, json(plan.metadata), { durable });
  // A job built without schemas must not keep those of an earlier build.
  if (plan.schemas) writeFileAtomicSync(files.schemas, json(plan.schemas), { durable });
  else rmSync(files.schemas, { force: true });
  for (const [env, vars] of Object.entries(plan.context)) writeFileAtomicSync(files.context(env), json(vars), { durable });
  return jobDir;
}
