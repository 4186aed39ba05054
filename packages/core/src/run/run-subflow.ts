import type { SubFlow } from '../plan/types.js';
import { markSkipped, runNode } from './run-node.js';
import { frameKey, nodeIdOf, type RunState } from './run-state.js';

/**
 * Runs a sub flow in topological waves; the modules of one wave run concurrently.
 * A module whose upstream failed is skipped; independent branches still run.
 */
export async function runSubflow(state: RunState, sf: SubFlow): Promise<'success' | 'failed'> {
  const t0 = Date.now();
  const frame = frameKey(state.frame);
  state.bus.emit({ type: 'subflow.started', subflow: sf.id, modules: sf.modules, frame });
  let failed = false;
  for (const wave of sf.waves) {
    await Promise.all(
      wave.map(async (id) => {
        const node = state.job.dag.nodes[id];
        const statusOf = (m: string) => state.nodeStatus.get(nodeIdOf(state, m));
        const blocker = state.job.dag.data_edges.find((e) => e.to === id && statusOf(e.from) !== 'success');
        if (blocker) {
          // Downstream of a continue_on_error failure is skipped without failing the sub flow.
          if (!state.job.dag.nodes[blocker.from].continue_on_error || statusOf(blocker.from) !== 'failed') failed = true;
          return markSkipped(state, node, `upstream ${blocker.from} ${statusOf(blocker.from) ?? 'did not run'}`);
        }
        if (state.signal.aborted) {
          failed = true;
          return markSkipped(state, node, 'run cancelled');
        }
        if ((await runNode(state, node, sf.id)) !== 'success' && !node.continue_on_error) failed = true;
      }),
    );
  }
  const status = failed ? 'failed' : 'success';
  state.bus.emit({ type: 'subflow.finished', subflow: sf.id, status, durationMs: Date.now() - t0, frame });
  return status;
}
