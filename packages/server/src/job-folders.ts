import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadFlowFile, loadJob } from '@pypeline/core';
import { HttpError } from './http-error.js';

export type Job = ReturnType<typeof loadJob>;

const JOB_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** The built job `<jobsDir>/<name>`; the name is checked first, so it cannot leave jobsDir. */
export function findJob(jobsDir: string, name: string): Job {
  const dir = resolve(jobsDir, name);
  if (!JOB_NAME.test(name) || !existsSync(join(dir, `${name}_dag.json`))) {
    throw new HttpError(404, `no job named "${name}" in ${jobsDir}`, { hint: `build it with \`pype build <flow>.yaml --out ${jobsDir}\`` });
  }
  return loadJob(dir);
}

/** The job's context file for `env`, as `pype run --context env` reads it. */
export function jobContext(job: Job, env: string): Record<string, unknown> {
  const file = join(job.dir, 'context', `${job.name}_${env}.json`);
  if (!/^[A-Za-z0-9_-]+$/.test(env) || !existsSync(file)) {
    throw new HttpError(422, `job ${job.name} has no context "${env}"`, { hint: `available: ${job.metadata.context_envs.join(', ') || 'default'}` });
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

const schemas = new Map<string, { mtime: number; schema: unknown }>();

/** The flow's `context_schema`, read from the flow the job folder keeps; cached until it changes. */
export function contextSchema(job: Job): unknown {
  const file = join(job.dir, `${job.name}.yaml`);
  const mtime = statSync(file).mtimeMs;
  const hit = schemas.get(file);
  if (hit?.mtime === mtime) return hit.schema;
  const data = loadFlowFile(file).doc.data as { context_schema?: unknown } | null;
  const schema = data?.context_schema;
  schemas.set(file, { mtime, schema });
  return schema;
}
