import type { RecordBatch } from 'apache-arrow';
import type { StateDelta } from '../state/state-store.js';

export type Port = 'out' | 'late';
export type Emit = (port: Port, batch: RecordBatch) => void;

/** A running operator. Everything is synchronous: a batch is fully processed before the next. */
export interface Operator {
  readonly id: string;
  /** Processes a batch arriving on input `input` (0, or 1 for a join's right side). */
  process(batch: RecordBatch, input: number, emit: Emit): void;
  /** The operator's watermark advanced to `wm`: fire what is complete. */
  onWatermark?(wm: number, emit: Emit): void;
  /** Adds state changed since the last call to `delta`. */
  snapshot?(delta: StateDelta): void;
  /** Loads state from a checkpoint (before any batch). */
  restore?(entries: Iterable<[string, unknown]>): void;
  /** Entries of keyed state held now. */
  stateSize?(): number;
}
