import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PypeEvent } from '@pypeline/core';
import type { RunPhase, StoredRun } from './run-store.js';

/**
 * The Prometheus metrics of `pype serve` (prom-client), fed by the run registry: runs by status,
 * run and module durations, rows through each module. `GET /metrics` answers them in the text
 * format; the process's own (CPU, memory, event loop) come with them.
 */
export class RunMetrics {
  readonly registry = new Registry();
  private readonly runsFinished: Counter<'job' | 'status'>;
  private readonly runSeconds: Histogram<'job' | 'status'>;
  private readonly moduleSeconds: Histogram<'job' | 'module' | 'status'>;
  private readonly rows: Counter<'job' | 'module' | 'direction'>;
  private readonly retries: Counter<'job' | 'module'>;

  constructor(counts: () => Promise<Record<RunPhase, number>>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pype_serve_' });
    const registers = [this.registry];
    new Gauge({
      name: 'pype_runs', help: 'Runs in the run store by status (queued and running are the ones waiting or under way)', labelNames: ['status'], registers,
      async collect() {
        for (const [status, n] of Object.entries(await counts())) this.set({ status }, n);
      },
    });
    this.runsFinished = new Counter({ name: 'pype_runs_finished_total', help: 'Runs this server finished, by job and final status', labelNames: ['job', 'status'], registers });
    this.runSeconds = new Histogram({
      name: 'pype_run_duration_seconds', help: 'Wall time of finished runs, from start to end', labelNames: ['job', 'status'], registers,
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
    });
    this.moduleSeconds = new Histogram({
      name: 'pype_module_duration_seconds', help: 'Time of each module run (one per node and iteration), by outcome', labelNames: ['job', 'module', 'status'], registers,
      buckets: [0.01, 0.05, 0.25, 1, 5, 15, 60, 300, 1800],
    });
    this.rows = new Counter({ name: 'pype_module_rows_total', help: 'Rows into (direction="in") and out of (direction="out") each module', labelNames: ['job', 'module', 'direction'], registers });
    this.retries = new Counter({ name: 'pype_module_retries_total', help: 'Failed attempts of a module that were retried', labelNames: ['job', 'module'], registers });
  }

  /** One engine event of a run. */
  observe(run: StoredRun, e: PypeEvent): void {
    if ((e.type === 'module.finished' || e.type === 'module.failed') && !Number.isFinite(e.durationMs)) return;
    if (e.type === 'module.finished') {
      this.moduleSeconds.observe({ job: run.job, module: e.moduleId, status: 'success' }, e.durationMs / 1000);
      this.rows.inc({ job: run.job, module: e.moduleId, direction: 'in' }, e.rowsIn);
      this.rows.inc({ job: run.job, module: e.moduleId, direction: 'out' }, e.rowsOut);
    } else if (e.type === 'module.failed') {
      if (e.willRetry) this.retries.inc({ job: run.job, module: e.moduleId });
      else this.moduleSeconds.observe({ job: run.job, module: e.moduleId, status: 'failed' }, e.durationMs / 1000);
    }
  }

  /** A run reached its final status. */
  finished(run: StoredRun): void {
    this.runsFinished.inc({ job: run.job, status: run.status });
    if (run.durationMs !== undefined && Number.isFinite(run.durationMs)) this.runSeconds.observe({ job: run.job, status: run.status }, run.durationMs / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
