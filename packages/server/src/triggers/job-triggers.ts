import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExecutionMetadata, PlannedTrigger } from '@pypeline/core';

/** A built job's triggers, as its job folder keeps them. */
export interface JobTriggers {
  job: string;
  jobDir: string;
  triggers: PlannedTrigger[];
}

const cache = new Map<string, { mtime: number; triggers: PlannedTrigger[] }>();

/**
 * The triggers of every job folder in `jobsDir` (a job rebuilt with other triggers is read
 * again: each metadata file is cached until it changes).
 */
export function jobTriggers(jobsDir: string): JobTriggers[] {
  if (!existsSync(jobsDir)) return [];
  const out: JobTriggers[] = [];
  for (const d of readdirSync(jobsDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!d.isDirectory() || d.name.startsWith('.')) continue;
    const jobDir = resolve(jobsDir, d.name);
    const file = join(jobDir, `${d.name}_execution_metadata.json`);
    const mtime = existsSync(file) ? statSync(file).mtimeMs : undefined;
    if (mtime === undefined) continue;
    let hit = cache.get(file);
    if (hit?.mtime !== mtime) {
      const metadata = JSON.parse(readFileSync(file, 'utf8')) as ExecutionMetadata;
      hit = { mtime, triggers: metadata.triggers ?? [] };
      cache.set(file, hit);
    }
    if (hit.triggers.length) out.push({ job: d.name, jobDir, triggers: hit.triggers });
  }
  return out;
}
