import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Piscina } from 'piscina';
import type { PoolTask, WorkerPool } from '@pypeline/sdk';

/** Pool size: `settings.threads`, else PYPELINE_THREADS, else the CPU count. */
export function poolSize(threads?: number): number {
  if (threads && threads > 0) return threads;
  const env = Number(process.env.PYPELINE_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return availableParallelism();
}

/**
 * The process-wide Piscina pool. Threads start on first use, so flows that never
 * need CPU-heavy work pay nothing; piscina itself is loaded then too (start-up of `pype run`).
 */
export class PiscinaPool implements WorkerPool {
  private piscina: Promise<Piscina> | undefined;
  constructor(readonly size: number) {}

  async run<T = unknown>(payload: unknown, task: PoolTask): Promise<T> {
    const filename = task.filename.startsWith('file:') ? task.filename : pathToFileURL(task.filename).href;
    this.piscina ??= import('piscina').then(({ Piscina }) => new Piscina({ maxThreads: this.size, minThreads: 0, idleTimeout: 10_000 }));
    return (await this.piscina).run(payload, { filename, name: task.name ?? 'default', transferList: task.transferList, signal: task.signal });
  }

  async close(): Promise<void> {
    const piscina = this.piscina;
    this.piscina = undefined;
    await (await piscina)?.destroy();
  }
}
