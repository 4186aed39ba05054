/** A complete, durable snapshot of a stream app: every source position and operator state. */
export interface CheckpointMeta {
  id: number;
  /** Source id → the position after the last batch the checkpoint includes. */
  positions: Record<string, unknown>;
  /** Wall-clock time the checkpoint was taken (epoch ms). */
  time: number;
  /** Fingerprint of the app's topology; state from another topology is refused. */
  topology: string;
  /** Per-source watermark at the checkpoint. */
  watermarks: Record<string, number>;
}

/** Operator state changes since the previous checkpoint. Values are plain data (msgpack). */
export interface StateDelta {
  puts: Array<[op: string, key: string, value: unknown]>;
  deletes: Array<[op: string, key: string]>;
  /** Intake logs to trim: source id → last sequence number the checkpoint consumed. */
  trims: Record<string, number>;
}

export interface StagedCheckpoint { meta: CheckpointMeta; delta: StateDelta }

/**
 * Where keyed state and checkpoints live. A checkpoint is written in two steps so that a
 * transactional sink can commit in between: `stage` makes the new checkpoint durable beside
 * the current one, `applyStaged` makes it current. After a crash between the two, recovery
 * applies or discards the staged checkpoint depending on whether the sinks committed it.
 */
export interface StateStore {
  /** The current (last applied) checkpoint, if any. */
  current(): CheckpointMeta | undefined;
  /** A checkpoint staged and not yet applied (only after a crash). */
  staged(): StagedCheckpoint | undefined;
  /** Every state entry of operator `op`, in key order. */
  entries(op: string): Iterable<[key: string, value: unknown]>;
  /** Number of state entries per operator. */
  sizes(): Record<string, number>;
  stage(checkpoint: StagedCheckpoint): Promise<void>;
  applyStaged(): Promise<void>;
  discardStaged(): Promise<void>;
  /** The durable intake log of a source that cannot replay from its broker (MQTT, webhooks). */
  intake(source: string): IntakeLog;
  close(): Promise<void>;
}

/**
 * An append-only log that makes a push source replayable: a record is acknowledged to its
 * sender only after `append` returns, and replayed from the checkpointed sequence number after
 * a restart. Sequence numbers start at 1.
 */
export interface IntakeLog {
  /** Appends records; once it returns they survive the process being killed. Returns the last sequence number. */
  append(records: readonly unknown[]): number;
  /** Up to `limit` records after sequence number `after`, with the sequence number of the last one. */
  read(after: number, limit: number): { records: unknown[]; last: number };
  lastSeq(): number;
  /**
   * Numbers the next record after `seq` at least. Used when a checkpoint is ahead of the log
   * (the log lost its tail in a machine crash), so new records are not taken as already read.
   */
  skipTo(seq: number): void;
  /** Resolves when a record after `after` exists, or when `signal` aborts (or now and then for neither: check again). */
  waitFor(after: number, signal: AbortSignal): Promise<void>;
  /** What opening the log cut off its end: a last append a machine crash left torn (its messages are lost unless resent). */
  readonly cut?: { frames: number; bytes: number };
}

/**
 * Shared by the stores: wakes readers waiting for intake records. A reader waits once per batch
 * (for an MQTT app, every ~20 messages), so each signal gets one abort listener for all its waits
 * rather than an add and a remove per wait (EventTarget's were 2% of such an app's CPU).
 */
export class IntakeWaiters {
  private waiters = new Set<() => void>();
  private readonly watched = new WeakSet<AbortSignal>();
  notify(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }
  wait(ready: () => boolean, signal: AbortSignal): Promise<void> {
    if (ready() || signal.aborted) return Promise.resolve();
    if (!this.watched.has(signal)) {
      this.watched.add(signal);
      signal.addEventListener('abort', () => this.notify(), { once: true });
    }
    return new Promise((resolve) => this.waiters.add(resolve));
  }
}
