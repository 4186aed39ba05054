import type { RecordBatch } from 'apache-arrow';
import type { StateDelta } from '../state/state-store.js';

export type Port = 'out' | 'late';
export type Emit = (port: Port, batch: RecordBatch) => void;

/**
 * A running operator. Built-in operators are synchronous: a batch is fully processed before the
 * next. An asynchronous one (a module) returns a promise from `process`, handles its batches in
 * order, and has `idle()`, so the engine lets watermarks pass it only after its output.
 */
export interface Operator {
  readonly id: string;
  /** Processes a batch arriving on input `input` (0, or 1 for a join's right side). */
  process(batch: RecordBatch, input: number, emit: Emit): void | Promise<void>;
  /** Asynchronous operators: resolves when every batch given so far has been emitted. */
  idle?(): Promise<void>;
  /** Called by the runner before the first batch (e.g. a module's setup). */
  open?(): Promise<void>;
  /** Called by the runner when the app stops (e.g. a module's teardown). */
  close?(): Promise<void>;
  /** The operator's watermark advanced to `wm`: fire what is complete. */
  onWatermark?(wm: number, emit: Emit): void;
  /** Adds state changed since the last call to `delta`. */
  snapshot?(delta: StateDelta): void;
  /** Loads state from a checkpoint (before any batch). */
  restore?(entries: Iterable<[string, unknown]>): void;
  /** Entries of keyed state held now. */
  stateSize?(): number;
}
