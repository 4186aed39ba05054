import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnyModuleDefinition } from '@pypeline/sdk';
import { jobFiles } from '../build/job-files.js';
import { loadJob, loadModules, type Job } from './load-job.js';
import { PiscinaPool } from './worker-pool.js';

/**
 * What a worker keeps between the tasks it runs: each job folder as it loaded it, checked against
 * the size and modification time of its DAG and metadata files (a rebuilt job is read again), and
 * the module definitions its tasks imported. A task of a job the worker has seen costs no JSON
 * parse, no scan of installed packages and no import. Its thread pools outlive tasks too: a
 * task's CPU-heavy modules (CSV parsing, Parquet) run on threads that have already loaded them,
 * as the tasks of a local run share one pool.
 */
export class TaskCache {
  private readonly jobs = new Map<string, { stamp: string; job: Job }>();
  private readonly pools = new Map<number, PiscinaPool>();
  private readonly modulesOf = new WeakMap<Job, Map<string, Map<string, AnyModuleDefinition>>>();

  /** At most `limit` job folders are kept (the least recently used goes). */
  constructor(private readonly limit = 32) {}

  /** The job in `dir`, read again only when its files changed. */
  job(dir: string): Job {
    const key = resolve(dir);
    const stamp = stampOf(key);
    const hit = this.jobs.get(key);
    this.jobs.delete(key);
    if (hit && stamp !== undefined && hit.stamp === stamp) {
      this.jobs.set(key, hit);
      return hit.job;
    }
    const job = loadJob(dir); // throws the reason a folder cannot be read
    if (stamp !== undefined) this.jobs.set(key, { stamp, job });
    if (this.jobs.size > this.limit) this.jobs.delete(this.jobs.keys().next().value!);
    return job;
  }

  /** The worker thread pool of `size` threads, shared by the tasks that ask for that size. */
  pool(size: number): PiscinaPool {
    let pool = this.pools.get(size);
    if (!pool) this.pools.set(size, (pool = new PiscinaPool(size)));
    return pool;
  }

  /** Stops the pools' threads (when the worker stops). */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  /** The definitions of the modules `only`, imported once per job and search path. */
  async modules(job: Job, searchDirs: string[], only: Set<string>): Promise<Map<string, AnyModuleDefinition>> {
    let bySearch = this.modulesOf.get(job);
    if (!bySearch) this.modulesOf.set(job, (bySearch = new Map()));
    const key = searchDirs.join('\0');
    let loaded = bySearch.get(key);
    if (!loaded) bySearch.set(key, (loaded = new Map()));
    const missing = new Set([...only].filter((id) => !loaded.has(id)));
    if (missing.size > 0) for (const [id, def] of await loadModules(job, searchDirs, missing)) loaded.set(id, def);
    const out = new Map<string, AnyModuleDefinition>();
    for (const id of only) if (loaded.has(id)) out.set(id, loaded.get(id)!);
    return out;
  }
}

/** Size and modification time of the job's DAG and metadata; undefined when they cannot be read. */
function stampOf(jobDir: string): string | undefined {
  try {
    const dag = readdirSync(jobDir).find((f) => f.endsWith('_dag.json'));
    if (!dag) return undefined;
    const files = jobFiles(jobDir, dag.slice(0, -'_dag.json'.length));
    return [files.dag, files.metadata].map((f) => {
      const s = statSync(f);
      return `${f}:${s.size}:${s.mtimeMs}`;
    }).join('|');
  } catch {
    return undefined;
  }
}
