import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamApp } from '../app.js';
import type { StreamLogger, StreamSink, StreamSource } from '../connector.js';
import { toMs, type Duration } from '../duration.js';
import { LmdbStateStore } from '../state/lmdb-store.js';
import type { CheckpointMeta } from '../state/state-store.js';
import { Engine, type NodeMetrics } from './engine.js';
import { lockStateDir } from './state-lock.js';

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
 * Fault injection for recovery tests: `PYPE_STREAM_KILL_AT=<phase>:<n>` SIGKILLs the process at
 * that phase of the n-th checkpoint this run takes. Phases: `flushed` (sinks flushed, nothing
 * stored), `staged` (checkpoint staged, sinks not committed), `committed` (sinks committed,
 * checkpoint not applied).
 */
function killPoint(): (phase: 'flushed' | 'staged' | 'committed', n: number) => void {
  const at = process.env.PYPE_STREAM_KILL_AT;
  if (!at) return () => {};
  return (phase, n) => {
    if (at === `${phase}:${n}`) process.kill(process.pid, 'SIGKILL');
  };
}

/** A stream app failed; `node` names where. */
export class StreamRunError extends Error {
  constructor(message: string, readonly node?: string) {
    super(message);
  }
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
  const interval = toMs(options.checkpointInterval ?? app.options.checkpointInterval ?? '10s', 'checkpointInterval');
  const unlock = lockStateDir(dir);
  const store = new LmdbStateStore(dir, { fsync: options.fsync });
  const sinks = new Map<string, StreamSink>();
  const sources = new Map<string, StreamSource>();
  const stop = new AbortController();
  const startedAt = Date.now();
  let status: MetricsFile['status'] = 'starting';
  let failure: unknown;
  let lastCp: MetricsFile['checkpoint'];
  const timers: NodeJS.Timeout[] = [];
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const engine = new Engine(app, (id, batch) => sinks.get(id)!.write(batch), log);
  const opened: Array<{ close?(): Promise<void> }> = [];
  const lagBySource = new Map<string, number | undefined>();
  const lagAsked = new Set<string>();
  let prev: { at: number; rows: Map<string, number> } | undefined;
  const writeMetrics = () => {
    const now = Date.now();
    const metrics = engine.metrics();
    const rows = new Map(metrics.map((m) => [m.id, m.kind === 'source' ? m.rowsOut : m.rowsIn]));
    const file: MetricsFile = {
      app: app.name, pid: process.pid, status, startedAt, updatedAt: now, checkpoint: lastCp,
      ...(failure ? { error: failure instanceof Error ? failure.message : String(failure) } : {}),
      nodes: metrics.map((m) => ({
        ...m,
        rowsPerSec: prev ? Math.round(((rows.get(m.id)! - (prev.rows.get(m.id) ?? 0)) * 1000) / Math.max(1, now - prev.at)) : 0,
        ...(lagBySource.get(m.id) !== undefined ? { lag: lagBySource.get(m.id) } : {}),
      })),
    };
    prev = { at: now, rows };
    options.onMetrics?.(file);
    const tmp = join(dir, `${METRICS_FILE}.tmp`);
    writeFileSync(tmp, JSON.stringify(file, null, 2));
    renameSync(tmp, join(dir, METRICS_FILE));
  };

  // Batches in flight, and the gate checkpoints close to stop new ones at batch boundaries.
  let inFlight = 0;
  let gate: Promise<void> | undefined;
  let quiet: (() => void) | undefined;
  const processing = async (fn: () => Promise<void> | void) => {
    while (gate) await gate;
    inFlight++;
    try {
      await fn();
    } finally {
      inFlight--;
      if (inFlight === 0) quiet?.();
    }
  };

  const positions: Record<string, unknown> = {};
  const intakeSources = new Set<string>();
  let checkpointId = 0;
  let taken = 0;
  let checkpointing: Promise<void> | undefined;
  const crashAt = killPoint();

  const doCheckpoint = async () => {
    const started = Date.now();
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    try {
      if (inFlight > 0) await new Promise<void>((r) => (quiet = r));
      quiet = undefined;
      for (const [id, sink] of sinks) {
        try {
          await sink.flush();
        } catch (e) {
          throw new StreamRunError(`${id}: ${(e as Error).message}`, id);
        }
      }
      crashAt('flushed', taken + 1);
      const delta = engine.snapshot();
      for (const id of intakeSources) if (typeof positions[id] === 'number') delta.trims[id] = positions[id] as number;
      const meta: CheckpointMeta = { id: ++checkpointId, positions: { ...positions }, time: Date.now(), topology: app.topology(), watermarks: engine.watermarks() };
      await store.stage({ meta, delta });
      crashAt('staged', taken + 1);
      for (const [id, sink] of sinks) {
        if (!sink.commit) continue;
        try {
          await sink.commit(meta.id);
        } catch (e) {
          throw new StreamRunError(`${id}: commit of checkpoint ${meta.id} failed: ${(e as Error).message}`, id);
        }
      }
      crashAt('committed', taken + 1);
      await store.applyStaged();
      taken++;
      const durationMs = Date.now() - started;
      lastCp = { id: meta.id, time: meta.time, durationMs };
      log('debug', `checkpoint ${meta.id} stored`, { checkpoint: meta.id, durationMs });
      options.onCheckpoint?.(meta, durationMs);
      for (const [id, source] of sources) if (source.committed && positions[id] !== undefined) await source.committed(positions[id]);
    } finally {
      gate = undefined;
      release();
    }
  };
  const checkpoint = () => (checkpointing ??= doCheckpoint().finally(() => (checkpointing = undefined)));

  let restoredFrom: number | undefined;
  try {
    for (const node of engine.sinks()) {
      sinks.set(node.id, node.connector); // closed in `finally`, also when open fails
      try {
        await node.connector.open({ id: node.id, app: app.name, log });
      } catch (e) {
        throw new StreamRunError(`sink "${node.id}" (${node.connector.describe?.() ?? node.connector.kind}) could not open: ${(e as Error).message}`, node.id);
      }
    }

    for (const op of engine.operators()) {
      if (!op.open) continue;
      opened.push(op);
      try {
        await op.open();
      } catch (e) {
        throw new StreamRunError(`${op.id}: could not start: ${(e as Error).message}`, op.id);
      }
    }

    // Recovery: a checkpoint staged but not applied means the process died mid-checkpoint.
    const staged = store.staged();
    if (staged) {
      const transactional = [...sinks.values()].filter((s) => s.isCommitted);
      const committed = await Promise.all(transactional.map((s) => s.isCommitted!(staged.meta.id)));
      if (committed.every(Boolean)) {
        await store.applyStaged();
        log('info', `finished checkpoint ${staged.meta.id}, interrupted by the previous run`);
      } else {
        await store.discardStaged();
        log('info', `discarded checkpoint ${staged.meta.id}: the previous run stopped before its sinks committed it`);
      }
    }
    const current = store.current();
    if (current) {
      if (current.topology !== app.topology()) {
        throw new StreamRunError(`the state in ${dir} was written by a different version of app "${app.name}" (operators, keys, windows or aggregates changed); keep the old topology, or start from scratch with another state folder (or delete ${dir})`);
      }
      engine.restore(store, current.watermarks);
      Object.assign(positions, current.positions);
      checkpointId = current.id;
      restoredFrom = current.id;
      log('info', `restored from checkpoint ${current.id}`, { checkpoint: current.id });
    }

    for (const node of engine.sources()) {
      const id = node.id;
      sources.set(id, node.connector); // closed in `finally`, also when open fails
      try {
        await node.connector.open({
          id, position: positions[id], signal: stop.signal, log,
          intake: () => {
            intakeSources.add(id);
            const intake = store.intake(id);
            const at = positions[id];
            if (typeof at === 'number' && intake.lastSeq() < at) {
              log('warn', `source "${id}": its intake log ends at ${intake.lastSeq()}, before the checkpointed position ${at} (the machine crashed before the log reached the disk); messages it held after ${intake.lastSeq()} are lost, new ones continue after ${at}`);
              intake.skipTo(at);
            }
            return intake;
          },
          setPosition: (position) => {
            positions[id] = position;
          },
        });
      } catch (e) {
        throw new StreamRunError(`source "${id}" (${node.connector.describe?.() ?? node.connector.kind}) could not open: ${(e as Error).message}`, id);
      }
    }
    status = 'running';
    writeMetrics();

    let rejectFailed!: (e: unknown) => void;
    const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
    failed.catch(() => {});
    const fail = (e: unknown) => {
      failure ??= e;
      stop.abort();
      rejectFailed(e);
    };
    timers.push(setInterval(() => {
      if (!stop.signal.aborted) checkpoint().catch(fail);
    }, interval));
    const idles = engine.sources().filter((s) => s.options.idleTimeout !== undefined).map((s) => toMs(s.options.idleTimeout!));
    if (idles.length > 0) {
      timers.push(setInterval(() => {
        processing(async () => {
          engine.idle(Date.now());
          await engine.drain();
        }).catch(fail);
      }, Math.max(10, Math.min(...idles) / 2)));
    }
    timers.push(setInterval(() => {
      for (const [id, s] of sources) {
        if (!s.lag || lagAsked.has(id)) continue; // one question at a time per source
        lagAsked.add(id);
        Promise.resolve(s.lag()).then((l) => lagBySource.set(id, l), () => {}).finally(() => lagAsked.delete(id));
      }
      try {
        writeMetrics();
      } catch { /* metrics are best effort */ }
    }, options.metricsInterval ?? 1000));

    const loops = engine.sources().map(async (node) => {
      const source = sources.get(node.id)!;
      try {
        for await (const sb of source.batches()) {
          if (stop.signal.aborted) break; // not processed: replayed after a restart
          await processing(async () => {
            engine.push(node.id, sb.batch);
            await engine.drain();
            if (sb.position !== undefined) positions[node.id] = sb.position;
          });
        }
        if (!stop.signal.aborted) {
          await processing(async () => {
            engine.end(node.id);
            await engine.drain();
          });
          log('info', `source "${node.id}" ended`);
        }
      } catch (e) {
        fail(e instanceof StreamRunError ? e : new StreamRunError(`${(e as { node?: string }).node ? '' : `source "${node.id}": `}${(e as Error).message}`, (e as { node?: string }).node ?? node.id));
      }
    });
    await Promise.race([Promise.all(loops), failed]);
    status = 'stopping';
    writeMetrics();
    await checkpoint();
    status = 'stopped';
    return {
      reason: stop.signal.aborted ? 'stopped' : 'ended',
      checkpoints: taken,
      lastCheckpoint: checkpointId || undefined,
      restoredFrom,
      metrics: engine.metrics(),
    };
  } catch (e) {
    status = 'failed';
    failure ??= e;
    throw e;
  } finally {
    for (const t of timers) clearInterval(t);
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    try {
      writeMetrics();
    } catch { /* best effort */ }
    for (const [, s] of sources) await Promise.resolve(s.close()).catch(() => {});
    for (const op of opened) await op.close?.().catch(() => {});
    for (const [, s] of sinks) await Promise.resolve(s.close()).catch(() => {});
    await store.close();
    unlock();
  }
}
