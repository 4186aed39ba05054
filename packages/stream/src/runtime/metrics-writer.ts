import { join } from 'node:path';
import { writeFileAtomicSync } from '@pypeline/sdk';
import type { StreamSource } from '../connector.js';
import type { Engine, NodeMetrics } from './engine.js';

/** The live metrics file `pype inspect` reads. */
export interface MetricsFile {
  app: string;
  pid: number;
  status: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
  startedAt: number;
  updatedAt: number;
  error?: string;
  checkpoint?: { id: number; time: number; durationMs: number };
  nodes: Array<NodeMetrics & { rowsPerSec: number; lag?: number }>;
}

export const METRICS_FILE = 'metrics.json';

/**
 * Keeps `metrics.json` in the state folder current: the run's status, failure and last
 * checkpoint, and per node its rows, rows/s since the previous write and (sources) the lag.
 */
export class MetricsWriter {
  status: MetricsFile['status'] = 'starting';
  failure: unknown;
  private readonly startedAt = Date.now();
  private prev: { at: number; rows: Map<string, number> } | undefined;
  private readonly lag = new Map<string, number | undefined>();
  private readonly asking = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly app: string,
    private readonly engine: Engine,
    private readonly lastCheckpoint: () => MetricsFile['checkpoint'],
    private readonly onMetrics?: (metrics: MetricsFile) => void,
  ) {}

  /** Asks the sources for their lag in the background, one question at a time per source. */
  askLag(sources: ReadonlyMap<string, StreamSource>): void {
    for (const [id, s] of sources) {
      if (!s.lag || this.asking.has(id)) continue;
      this.asking.add(id);
      Promise.resolve(s.lag()).then((l) => this.lag.set(id, l), () => {}).finally(() => this.asking.delete(id));
    }
  }

  write(): void {
    const now = Date.now();
    const metrics = this.engine.metrics();
    const rows = new Map(metrics.map((m) => [m.id, m.kind === 'source' ? m.rowsOut : m.rowsIn]));
    const prev = this.prev;
    const file: MetricsFile = {
      app: this.app, pid: process.pid, status: this.status, startedAt: this.startedAt, updatedAt: now, checkpoint: this.lastCheckpoint(),
      ...(this.failure ? { error: this.failure instanceof Error ? this.failure.message : String(this.failure) } : {}),
      nodes: metrics.map((m) => ({
        ...m,
        rowsPerSec: prev ? Math.round(((rows.get(m.id)! - (prev.rows.get(m.id) ?? 0)) * 1000) / Math.max(1, now - prev.at)) : 0,
        ...(this.lag.get(m.id) !== undefined ? { lag: this.lag.get(m.id) } : {}),
      })),
    };
    this.prev = { at: now, rows };
    this.onMetrics?.(file);
    // Rewritten every second and worthless after a power cut: atomic for readers, not fsynced.
    writeFileAtomicSync(join(this.dir, METRICS_FILE), JSON.stringify(file, null, 2), { durable: false });
  }

  /** `write` where a failure must not stop the app: metrics are best effort. */
  tryWrite(): void {
    try {
      this.write();
    } catch { /* best effort */ }
  }
}
