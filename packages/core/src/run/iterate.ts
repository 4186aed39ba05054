import { PypeError } from '../errors.js';
import type { ControlEdge } from '../plan/types.js';
import type { RunState } from './run-state.js';

/**
 * Runs the scope an ITERATE edge leads to once per row of the source module's list output,
 * one iteration after another. Each iteration gets its own frame (`module#<index>` node ids,
 * per-iteration globals, its own artifacts). Iterations are sequential on purpose: the scope
 * may share targets (a table, a file) between items, and a sequential loop keeps item order
 * and globals well defined; equal-order edges still give parallelism where it is safe.
 */
export async function iterate(
  state: RunState,
  edge: ControlEdge,
  runScope: (frameState: RunState) => Promise<void>,
  halted: () => boolean,
): Promise<void> {
  const artifact = state.outputs.get(`${edge.from}.${edge.list_port}`);
  if (!artifact) throw new PypeError(`ITERATE ${edge.text}: ${edge.from} produced no list on port "${edge.list_port}"`);
  const items = (await artifact.table()).toArray().map((row: { toJSON(): Record<string, unknown> }) => plainRow(row.toJSON()));
  const total = items.length;
  for (let index = 0; index < total; index++) {
    if (state.signal.aborted || halted()) break;
    const frameState: RunState = {
      ...state,
      frame: { path: [...state.frame.path, index], item: items[index] },
      outputs: new Map(state.outputs),
    };
    state.bus.emit({ type: 'iteration.started', from: edge.from, to: edge.to, index, total });
    const errorsBefore = state.errors.length;
    await runScope(frameState);
    state.bus.emit({ type: 'iteration.finished', from: edge.from, to: edge.to, index, total, status: state.errors.length > errorsBefore ? 'failed' : 'success' });
  }
}

/** Arrow rows hold bigints for 64-bit integers; items are plain JSON-like values. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  return out;
}
