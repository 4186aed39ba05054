import type { StreamApp } from '../app.js';
import type { StreamLogger, StreamSink, StreamSource } from '../connector.js';
import type { CheckpointMeta, StateStore } from '../state/state-store.js';
import type { Engine } from './engine.js';
import { StreamRunError } from './stream-run-error.js';

/**
 * The points inside a checkpoint where a process may die, in order: `flushed` (sinks flushed,
 * nothing stored), `staged` (checkpoint staged, sinks not committed), `committed` (sinks
 * committed, checkpoint not applied). Recovery handles a death at each one.
 */
export type CheckpointPhase = 'flushed' | 'staged' | 'committed';

export interface CheckpointerParts {
  app: StreamApp;
  engine: Engine;
  store: StateStore;
  sinks: ReadonlyMap<string, StreamSink>;
  sources: ReadonlyMap<string, StreamSource>;
  log: StreamLogger;
  onCheckpoint?(meta: CheckpointMeta, durationMs: number): void;
  onPhase?(phase: CheckpointPhase, n: number): void | Promise<void>;
}

/**
 * Takes checkpoints between batches. Batches run through `processing`; a checkpoint closes the
 * gate to new ones, waits for those in flight, flushes the sinks, stages operator state with
 * every source position in one store transaction, lets exactly-once sinks commit, then applies.
 */
export class Checkpointer {
  /** Each source's position after its last processed batch. */
  readonly positions: Record<string, unknown> = {};
  /** Sources with an intake log, trimmed up to their position by each checkpoint. */
  readonly intakeSources = new Set<string>();
  /** The last durable checkpoint's id (this run's or a restored one). */
  lastId = 0;
  /** Checkpoints this run took. */
  taken = 0;
  last: { id: number; time: number; durationMs: number } | undefined;
  private inFlight = 0;
  private gate: Promise<void> | undefined;
  private quiet: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly parts: CheckpointerParts) {}

  /** Runs one batch's work, after any checkpoint being taken. */
  async processing(work: () => Promise<void> | void): Promise<void> {
    while (this.gate) await this.gate;
    this.inFlight++;
    try {
      await work();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.quiet?.();
    }
  }

  /** Takes a checkpoint, or joins the one being taken. */
  checkpoint(): Promise<void> {
    return (this.running ??= this.take().finally(() => (this.running = undefined)));
  }

  private async take(): Promise<void> {
    const started = Date.now();
    let release!: () => void;
    this.gate = new Promise((r) => (release = r));
    try {
      if (this.inFlight > 0) await new Promise<void>((r) => (this.quiet = r));
      this.quiet = undefined;
      await this.flushSinks();
      await this.parts.onPhase?.('flushed', this.taken + 1);
      const meta = await this.stage();
      await this.parts.onPhase?.('staged', this.taken + 1);
      await this.commitSinks(meta.id);
      await this.parts.onPhase?.('committed', this.taken + 1);
      await this.parts.store.applyStaged();
      this.taken++;
      this.recordDone(meta, Date.now() - started);
      for (const [id, source] of this.parts.sources) if (source.committed && this.positions[id] !== undefined) await source.committed(this.positions[id]);
    } finally {
      this.gate = undefined;
      release();
    }
  }

  private async flushSinks(): Promise<void> {
    for (const [id, sink] of this.parts.sinks) {
      try {
        await sink.flush();
      } catch (e) {
        throw new StreamRunError(`${id}: ${(e as Error).message}`, id);
      }
    }
  }

  private async stage(): Promise<CheckpointMeta> {
    const { app, engine, store } = this.parts;
    const delta = engine.snapshot();
    for (const id of this.intakeSources) if (typeof this.positions[id] === 'number') delta.trims[id] = this.positions[id] as number;
    const meta: CheckpointMeta = { id: ++this.lastId, positions: { ...this.positions }, time: Date.now(), topology: app.topology(), watermarks: engine.watermarks() };
    await store.stage({ meta, delta });
    return meta;
  }

  private async commitSinks(checkpointId: number): Promise<void> {
    for (const [id, sink] of this.parts.sinks) {
      if (!sink.commit) continue;
      try {
        await sink.commit(checkpointId);
      } catch (e) {
        throw new StreamRunError(`${id}: commit of checkpoint ${checkpointId} failed: ${(e as Error).message}`, id);
      }
    }
  }

  private recordDone(meta: CheckpointMeta, durationMs: number): void {
    this.last = { id: meta.id, time: meta.time, durationMs };
    this.parts.log('debug', `checkpoint ${meta.id} stored`, { checkpoint: meta.id, durationMs });
    this.parts.onCheckpoint?.(meta, durationMs);
  }
}
