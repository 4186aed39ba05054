import type { StreamApp } from '../app.js';
import type { StreamLogger } from '../connector.js';
import { toMs, type Duration } from '../duration.js';
import { LmdbStateStore } from '../state/lmdb-store.js';
import type { CheckpointMeta } from '../state/state-store.js';
import { Checkpointer, type CheckpointPhase } from './checkpointer.js';
import { Engine, type NodeMetrics } from './engine.js';
import { MetricsWriter, type MetricsFile } from './metrics-writer.js';
import { OpenedConnectors } from './open-connectors.js';
import { recoverState } from './recover.js';
import { lockStateDir } from './state-lock.js';
import { announceApp } from './app-directory.js';
import { StreamRunError } from './stream-run-error.js';

export { METRICS_FILE, type MetricsFile } from './metrics-writer.js';
export { StreamRunError } from './stream-run-error.js';
export type { CheckpointPhase } from './checkpointer.js';

export interface RunStreamOptions {
  /** Folder for keyed state, checkpoints, intake logs and live metrics (`metrics.json`). */
  stateDir: string;
  /** Overrides the app's checkpoint interval (default 10s). */
  checkpointInterval?: Duration;
  /** Stops the app: sources stop reading, a final checkpoint is taken, connectors close. */
  signal?: AbortSignal;
  log?: StreamLogger;
  /** fsync checkpoints (default true). */
  fsync?: boolean;
  /** How often `metrics.json` is rewritten (ms, default 1000). */
  metricsInterval?: number;
  /** Called with the live metrics each time they are written. */
  onMetrics?(metrics: MetricsFile): void;
  /** Called after each checkpoint is durable. */
  onCheckpoint?(meta: CheckpointMeta, durationMs: number): void;
  /**
   * Called (and awaited) at each phase inside a checkpoint, with `n`: the n-th checkpoint this
   * run takes (1-based). For recovery tests that stop the process at each point a crash may
   * hit (e.g. `process.kill(process.pid, 'SIGKILL')`); an error thrown fails the checkpoint.
   */
  onCheckpointPhase?(phase: CheckpointPhase, n: number): void | Promise<void>;
}

export interface StreamRunResult {
  /** Why the run ended: every source ended, or it was stopped. */
  reason: 'ended' | 'stopped';
  /** Checkpoints taken by this run. */
  checkpoints: number;
  /** The last durable checkpoint id (this run's or an earlier one's). */
  lastCheckpoint: number | undefined;
  /** Whether this run restored state from a checkpoint. */
  restoredFrom: number | undefined;
  metrics: NodeMetrics[];
}

/**
 * Runs a stream app until every source ends or `signal` aborts. Restores from the state
 * folder's last checkpoint (finishing or discarding a checkpoint a crash interrupted), then
 * reads each source in its own loop: a batch is pushed through the operators and written by
 * every sink before the next is read, so a slow sink slows the source. Checkpoints pause the
 * loops at batch boundaries, flush the sinks, and store operator state with every source
 * position in one LMDB transaction; exactly-once sinks commit in between (see StreamSink).
 */
export async function runStream(app: StreamApp, options: RunStreamOptions): Promise<StreamRunResult> {
  const log: StreamLogger = options.log ?? (() => {});
  const dir = options.stateDir;
  const unlock = lockStateDir(dir);
  try {
    announceApp(dir, app.name);
  } catch (e) {
    // Only `pype serve`'s list of apps misses it; the app itself runs as well without.
    log('warn', `could not announce the app for pype serve: ${e instanceof Error ? e.message : String(e)}`);
  }
  const store = new LmdbStateStore(dir, { fsync: options.fsync });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const opened = new OpenedConnectors();
  const engine = new Engine(app, (id, batch) => opened.sinks.get(id)!.write(batch), log);
  const checkpoints = new Checkpointer({
    app, engine, store, sinks: opened.sinks, sources: opened.sources, log, onCheckpoint: options.onCheckpoint, onPhase: options.onCheckpointPhase,
  });
  const metrics = new MetricsWriter(dir, app.name, engine, () => checkpoints.last, options.onMetrics);
  const timers: NodeJS.Timeout[] = [];
  try {
    await opened.openSinks(engine, app.name, log);
    await opened.openOperators(engine);
    const restoredFrom = await recoverState(app, dir, { engine, store, sinks: opened.sinks, checkpoints, log });
    await opened.openSources(engine, { store, checkpoints, signal: stop.signal, log });
    metrics.status = 'running';
    metrics.write();
    const failed = failureLatch(stop, metrics);
    timers.push(...startTimers(app, options, { engine, checkpoints, metrics, sources: opened.sources, stop: stop.signal, fail: failed.fail }));
    await Promise.race([readSources(engine, opened, checkpoints, { stop: stop.signal, fail: failed.fail, log }), failed.promise]);
    metrics.status = 'stopping';
    metrics.write();
    await checkpoints.checkpoint();
    metrics.status = 'stopped';
    return { reason: stop.signal.aborted ? 'stopped' : 'ended', checkpoints: checkpoints.taken, lastCheckpoint: checkpoints.lastId || undefined, restoredFrom, metrics: engine.metrics() };
  } catch (e) {
    metrics.status = 'failed';
    metrics.failure ??= e;
    throw e;
  } finally {
    for (const t of timers) clearInterval(t);
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    metrics.tryWrite();
    await opened.close();
    await store.close();
    unlock();
  }
}

/** The first failure of a loop or timer: recorded, stops the sources, and rejects `promise`. */
function failureLatch(stop: AbortController, metrics: MetricsWriter): { promise: Promise<never>; fail: (e: unknown) => void } {
  let reject!: (e: unknown) => void;
  const promise = new Promise<never>((_, r) => (reject = r));
  promise.catch(() => {});
  const fail = (e: unknown) => {
    metrics.failure ??= e;
    stop.abort();
    reject(e);
  };
  return { promise, fail };
}

/** The periodic work beside the source loops: checkpoints, idle-source ticks, metrics. */
function startTimers(app: StreamApp, options: RunStreamOptions, run: { engine: Engine; checkpoints: Checkpointer; metrics: MetricsWriter; sources: OpenedConnectors['sources']; stop: AbortSignal; fail: (e: unknown) => void }): NodeJS.Timeout[] {
  const { engine, checkpoints, metrics, stop, fail } = run;
  const interval = toMs(options.checkpointInterval ?? app.options.checkpointInterval ?? '10s', 'checkpointInterval');
  const timers = [setInterval(() => {
    if (!stop.aborted) checkpoints.checkpoint().catch(fail);
  }, interval)];
  const idles = engine.sources().filter((s) => s.options.idleTimeout !== undefined).map((s) => toMs(s.options.idleTimeout!));
  if (idles.length > 0) {
    timers.push(setInterval(() => {
      checkpoints.processing(async () => {
        engine.idle(Date.now());
        await engine.drain();
      }).catch(fail);
    }, Math.max(10, Math.min(...idles) / 2)));
  }
  timers.push(setInterval(() => {
    metrics.askLag(run.sources);
    metrics.tryWrite();
  }, options.metricsInterval ?? 1000));
  return timers;
}

/** One loop per source until it ends or the app stops; resolves when every loop is done. */
async function readSources(engine: Engine, opened: OpenedConnectors, checkpoints: Checkpointer, run: { stop: AbortSignal; fail: (e: unknown) => void; log: StreamLogger }): Promise<void> {
  const { stop, fail, log } = run;
  await Promise.all(engine.sources().map(async (node) => {
    const source = opened.sources.get(node.id)!;
    try {
      for await (const sb of source.batches()) {
        if (stop.aborted) break; // not processed: replayed after a restart
        await checkpoints.processing(async () => {
          engine.push(node.id, sb.batch);
          await engine.drain();
          if (sb.position !== undefined) checkpoints.positions[node.id] = sb.position;
        });
      }
      if (stop.aborted) return;
      await checkpoints.processing(async () => {
        engine.end(node.id);
        await engine.drain();
      });
      log('info', `source "${node.id}" ended`);
    } catch (e) {
      const where = (e as { node?: string }).node;
      fail(e instanceof StreamRunError ? e : new StreamRunError(`${where ? '' : `source "${node.id}": `}${(e as Error).message}`, where ?? node.id));
    }
  }));
}
