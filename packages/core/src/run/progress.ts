import type { EventBus } from './events.js';

/** Least time between two `module.progress` events of one node. */
export const PROGRESS_INTERVAL_MS = 500;

interface NodeProgress {
  moduleId: string;
  rows: number;
  bytes?: number;
  totalBytes?: number;
  last: number;
}

// One table per run (per event bus): progress is reported from places that share only the bus.
const runs = new WeakMap<EventBus, Map<string, NodeProgress>>();

/**
 * Adds to a node's progress (`rows`: more rows handed on; `bytes`/`totalBytes`: the read position
 * and the file's size) and emits `module.progress` when the node's last one is older than
 * PROGRESS_INTERVAL_MS, so a module may report every batch without flooding the event stream.
 */
export function reportProgress(bus: EventBus, nodeId: string, moduleId: string, update: { rows?: number; bytes?: number; totalBytes?: number }, now = Date.now()): void {
  let nodes = runs.get(bus);
  if (!nodes) runs.set(bus, (nodes = new Map()));
  let p = nodes.get(nodeId);
  if (!p) nodes.set(nodeId, (p = { moduleId, rows: 0, last: 0 }));
  const firstRows = p.rows === 0 && (update.rows ?? 0) > 0;
  p.rows += update.rows ?? 0;
  if (update.bytes !== undefined) p.bytes = update.bytes;
  if (update.totalBytes !== undefined) p.totalBytes = update.totalBytes;
  // A node's first rows are reported at once, with the bytes read so far: a bytes-only report
  // (a source's first chunk) must not hide them for a whole interval of a short run.
  if (now - p.last < PROGRESS_INTERVAL_MS && !firstRows) return;
  p.last = now;
  bus.emit({ type: 'module.progress', nodeId, moduleId, rows: p.rows, ...(p.bytes !== undefined ? { bytes: p.bytes } : {}), ...(p.totalBytes !== undefined ? { totalBytes: p.totalBytes } : {}) });
}

/** Forgets a node's progress when it starts an attempt (a retry counts again from zero). */
export function resetProgress(bus: EventBus, nodeId: string): void {
  runs.get(bus)?.delete(nodeId);
}
