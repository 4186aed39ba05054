import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseYaml } from '../flow/yaml-document.js';
import { jobFiles } from './job-files.js';

/**
 * The jobs a `job_success` trigger of `flowFile` may follow: the job folders built in `jobsDir`
 * and the flows (their `flow.name`) in YAML files beside `flowFile` and in `jobsDir`, as
 * `pype serve` of that folder would find them once built.
 */
export function knownJobs(flowFile: string, jobsDir: string): string[] {
  const names = new Set<string>();
  for (const dir of new Set([resolve(dirname(flowFile)), resolve(jobsDir)])) {
    if (!existsSync(dir)) continue;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory() && existsSync(jobFiles(join(dir, d.name), d.name).dag)) names.add(d.name);
      if (d.isFile() && /\.ya?ml$/.test(d.name)) {
        const name = flowName(join(dir, d.name));
        if (name) names.add(name);
      }
    }
  }
  return [...names].sort();
}

function flowName(file: string): string | undefined {
  try {
    const data = parseYaml(readFileSync(file, 'utf8')).data as { flow?: { name?: unknown } } | null;
    return typeof data?.flow?.name === 'string' ? data.flow.name : undefined;
  } catch {
    return undefined;
  }
}
