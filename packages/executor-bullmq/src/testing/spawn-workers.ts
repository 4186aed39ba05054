import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '../task-worker.js';

// From src/testing (vitest) and from dist/testing alike, this is the built entry.
const ENTRY = fileURLToPath(new URL('../../dist/testing/worker-entry.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  stop(): Promise<number | string>;
}

/** Starts a worker process (from the built dist) and waits until it listens. */
export async function spawnWorker(options: Omit<WorkerOptions, 'report' | 'execute' | 'artifacts'>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [ENTRY, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      // Several workers starting at once on a busy 2-core machine each take seconds to load.
      const timer = setTimeout(() => reject(new Error(`worker did not print "ready" in 60 s:\n${out}`)), 60_000);
      const check = () => {
        if (out.includes('ready ')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code}) before it was ready:\n${out}`));
      });
    });
  } catch (err) {
    // A worker that never got ready (e.g. still waiting for Redis) is not left running.
    await stop();
    throw err;
  }
  return { child, pid: child.pid!, output: () => out, exited, stop };
}

/** Starts `n` workers; if one fails to start, the others are stopped before the error is thrown. */
export async function spawnWorkers(n: number, options: Parameters<typeof spawnWorker>[0]): Promise<WorkerProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: n }, () => spawnWorker(options)));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed) {
    await Promise.all(workers.map((w) => w.stop()));
    throw failed.reason;
  }
  return workers;
}
