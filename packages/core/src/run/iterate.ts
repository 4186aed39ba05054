import { PypeError } from '../errors.js';
import type { ControlEdge } from '../plan/types.js';
import type { RunState } from './run-state.js';

/**
 * Runs the scope an ITERATE edge leads to once per row of the source module's list output.
 * Each iteration gets its own frame (`module#<index>` node ids, per-iteration globals, its own
 * artifacts and checkpoint keys). By default iterations run one after another: the scope may
 * share targets (a table, a file) between items, and a sequential loop keeps item order and
 * globals well defined. `(iterate parallel N|)` runs up to N at once, started in item order;
 * a failure stops new iterations from starting under fail_strategy halt (those running finish).
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
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total && !state.signal.aborted && !halted()) {
      const index = next++;
      const errors = frameErrors(state.errors);
      const frameState: RunState = {
        ...state,
        frame: { path: [...state.frame.path, index], item: items[index] },
        outputs: new Map(state.outputs),
        errors,
      };
      state.bus.emit({ type: 'iteration.started', from: edge.from, to: edge.to, index, total });
      await runScope(frameState);
      state.bus.emit({ type: 'iteration.finished', from: edge.from, to: edge.to, index, total, status: errors.length ? 'failed' : 'success' });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(edge.parallel ?? 1, total)) }, lane));
}

/**
 * One iteration's failures: what is pushed here is also pushed to the run's list, so the
 * iteration knows its own outcome while others run beside it.
 */
function frameErrors(run: RunState['errors']): RunState['errors'] {
  const own: RunState['errors'] = [];
  own.push = (...items) => {
    run.push(...items);
    return Array.prototype.push.apply(own, items);
  };
  own.unshift = (...items) => {
    run.unshift(...items);
    return Array.prototype.unshift.apply(own, items);
  };
  return own;
}

/** Arrow rows hold bigints for 64-bit integers; items are plain JSON-like values. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  return out;
}
