import type { RecordBatch } from 'apache-arrow';
import type { IntakeLog } from './state/state-store.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type StreamLogger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** A batch read from a source, with the source position just after it. */
export interface SourceBatch {
  batch: RecordBatch;
  /** Where to resume after this batch (stored in checkpoints); JSON-serialisable. */
  position?: unknown;
}

export interface SourceContext {
  /** The source's id in the app. */
  readonly id: string;
  /** The position stored in the last checkpoint; undefined on a first start. */
  readonly position: unknown;
  /** Aborted when the app stops: end `batches()` promptly. */
  readonly signal: AbortSignal;
  readonly log: StreamLogger;
  /**
   * The durable intake log for sources whose broker cannot replay (MQTT, webhooks): append each
   * message before acknowledging it, then read batches from the log; positions are sequence numbers.
   */
  intake(): IntakeLog;
  /**
   * Records where the source stands without yielding a batch (e.g. the stream's end when a
   * first start begins at new messages), so a restart before any message keeps that start.
   */
  setPosition(position: unknown): void;
}

/**
 * A connector that produces data. Bounded sources end their iterable (files, in-memory data);
 * unbounded ones run until `signal` aborts. Backpressure: the runtime asks for the next batch
 * only after the previous one has been processed and written by every sink.
 */
export interface StreamSource {
  /** What it is, for logs and `pype inspect` (e.g. `mqtt`). */
  readonly kind: string;
  /** Where it reads from, for logs (e.g. `mqtt://127.0.0.1:1883 sensors/#`). */
  describe?(): string;
  /** Connects. If it throws, `close()` is still called: release what was acquired. */
  open(ctx: SourceContext): Promise<void> | void;
  batches(): AsyncIterable<SourceBatch>;
  /** A checkpoint including `position` is durable: acknowledge or commit upstream. */
  committed?(position: unknown): Promise<void> | void;
  /** Messages waiting upstream, if the broker tells (shown as lag). */
  lag?(): Promise<number | undefined> | number | undefined;
  close(): Promise<void> | void;
}

export interface SinkContext {
  readonly id: string;
  /** The app's name, for sinks that record commits (e.g. a PostgreSQL commit table). */
  readonly app: string;
  readonly log: StreamLogger;
}

/**
 * A connector that consumes data. `write` may buffer; the promise it returns is awaited before
 * the source reads more (backpressure). At-least-once sinks make every write durable in
 * `flush`, which runs before each checkpoint is stored. Exactly-once sinks also implement
 * `commit`/`isCommitted`: writes since the last checkpoint become visible atomically, together
 * with a record of the checkpoint id, and recovery asks which checkpoint was committed.
 */
export interface StreamSink {
  readonly kind: string;
  describe?(): string;
  /** Connects. If it throws, `close()` is still called: release what was acquired. */
  open(ctx: SinkContext): Promise<void> | void;
  write(batch: RecordBatch): Promise<void> | void;
  flush(): Promise<void> | void;
  commit?(checkpointId: number): Promise<void>;
  isCommitted?(checkpointId: number): Promise<boolean>;
  close(): Promise<void> | void;
}
