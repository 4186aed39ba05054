import { orderGroups } from '../plan/execution-order.js';
import type { ControlEdge } from '../plan/types.js';
import { markSkipped } from './run-node.js';
import type { RunState } from './run-state.js';
import { runSubflow } from './run-subflow.js';
import { decideValve } from './valve.js';

/**
 * Priority-DFS over sub flows along control edges: after a sub flow, its outgoing edges are
 * taken in ascending order; edges of equal order fire in parallel; each fired edge dives
 * into its target before the next order starts. A sub flow runs at most once per run.
 * Roots (sub flows nothing leads into) run one after another, in flow order.
 */
export async function schedule(state: RunState): Promise<void> {
  const { metadata } = state.job;
  const visited = new Set<string>();
  const skipReason = new Map<string, string>();
  let halted = false;

  const visit = async (sfId: string): Promise<void> => {
    if (visited.has(sfId)) return;
    visited.add(sfId);
    if (state.signal.aborted) return skipSubflow(state, sfId, 'run cancelled');
    const sf = metadata.subflows.find((s) => s.id === sfId)!;
    const status = await runSubflow(state, sf);
    if (status === 'failed' && metadata.settings.fail_strategy === 'halt') halted = true;
    for (const group of orderGroups(sfId, metadata.control_edges)) {
      const fired: ControlEdge[] = [];
      for (const edge of group) {
        const decision = decide(state, edge);
        if (decision.fire && halted && status !== 'failed') {
          skipReason.set(edge.to_subflow, 'halted after a failure (fail_strategy: halt)');
          state.bus.emit({ type: 'edge.skipped', from: edge.from, to: edge.to, order: edge.order, condition: edge.condition, reason: 'halted' });
        } else if (decision.fire) {
          fired.push(edge);
          state.bus.emit({ type: 'edge.fired', from: edge.from, to: edge.to, order: edge.order, condition: edge.condition });
        } else {
          skipReason.set(edge.to_subflow, decision.reason);
          state.bus.emit({ type: 'edge.skipped', from: edge.from, to: edge.to, order: edge.order, condition: edge.condition, reason: decision.reason });
        }
      }
      await Promise.all(fired.map((e) => visit(e.to_subflow)));
    }
  };

  for (const root of metadata.roots) {
    if (halted) {
      skipReason.set(root, 'halted after a failure (fail_strategy: halt)');
      continue;
    }
    await visit(root);
  }
  for (const sf of metadata.subflows) {
    if (!visited.has(sf.id)) skipSubflow(state, sf.id, skipReason.get(sf.id) ?? (state.signal.aborted ? 'run cancelled' : 'no control connection fired'));
  }
}

function decide(state: RunState, edge: ControlEdge): ReturnType<typeof decideValve> {
  try {
    return decideValve(state, edge);
  } catch (err: any) {
    state.errors.push({ message: `cannot evaluate ${err?.message ?? err}`, hint: err?.hint });
    return { fire: false, reason: 'condition could not be evaluated' };
  }
}

function skipSubflow(state: RunState, sfId: string, reason: string): void {
  const sf = state.job.metadata.subflows.find((s) => s.id === sfId)!;
  state.bus.emit({ type: 'subflow.skipped', subflow: sfId, reason });
  for (const id of sf.modules) markSkipped(state, state.job.dag.nodes[id], reason);
}
