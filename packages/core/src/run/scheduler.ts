import { orderGroups } from '../plan/execution-order.js';
import type { ControlEdge, SubFlow } from '../plan/types.js';
import { iterate } from './iterate.js';
import { markSkipped } from './run-node.js';
import { frameKey, type RunState } from './run-state.js';
import { runSubflow } from './run-subflow.js';
import { applyResult, toTask } from './subflow-task.js';
import { decideValve } from './valve.js';
import { errorMessage, type Thrown } from '@pypeline/sdk';

/** Shared by every frame of one run. */
interface Walk {
  /** Sub flows that ran in any frame. */
  ran: Set<string>;
  /** Why a sub flow did not run, for the final report. */
  skipReason: Map<string, string>;
  halted: boolean;
  /** Sync gates (`wait`): per `sub flow#frame`, the connections into it that fired or cannot. */
  gates: Map<string, { fired: string[]; missed: string[]; started: boolean }>;
}

/**
 * Priority-DFS over sub flows along control edges: after a sub flow, its outgoing edges are
 * taken in ascending order; edges of equal order fire in parallel; each fired edge dives
 * into its target before the next order starts. Order-0 edges fire at once, beside the
 * ordered ones, and the sub flow's scope ends only when they have finished too. A sub flow runs at most once per frame
 * (once per run outside loops, once per item inside an ITERATE loop). Roots (sub flows
 * nothing leads into) run one after another, in flow order. START edges spawn their scope
 * without waiting; the run waits for every spawned scope before it ends.
 */
export async function schedule(state: RunState): Promise<void> {
  const walk: Walk = { ran: new Set(), skipReason: new Map(), halted: false, gates: new Map() };
  const visited = new Set<string>();
  for (const root of state.job.metadata.roots) {
    if (walk.halted) {
      walk.skipReason.set(root, 'halted after a failure (fail_strategy: halt)');
      continue;
    }
    await visit(state, walk, visited, root);
  }
  while (state.spawned.length) await Promise.all(state.spawned.splice(0));
  for (const sf of state.job.metadata.subflows) {
    if (!walk.ran.has(sf.id)) skipSubflow(state, sf.id, walk.skipReason.get(sf.id) ?? (state.signal.aborted ? 'run cancelled' : 'no control connection fired'));
  }
}

async function visit(state: RunState, walk: Walk, visited: Set<string>, sfId: string): Promise<void> {
  if (visited.has(sfId)) return;
  visited.add(sfId);
  if (state.signal.aborted) return void walk.skipReason.set(sfId, 'run cancelled');
  walk.ran.add(sfId);
  const { metadata } = state.job;
  const sf = metadata.subflows.find((s) => s.id === sfId)!;
  const status = await runOrRestore(state, sf);
  if (status === 'failed' && metadata.settings.fail_strategy === 'halt') walk.halted = true;
  const groups = [...orderGroups(sfId, metadata.control_edges)];
  // Order 0: launched at once, beside the ordered groups below; this scope ends when they end.
  const eager = groups[0]?.[0]?.order === 0 ? groups.shift()! : [];
  const launched = eager.filter((edge) => fires(state, walk, edge, status)).map((edge) => follow(state, walk, visited, edge));
  try {
    for (const group of groups) {
      const fired = group.filter((edge) => fires(state, walk, edge, status));
      await Promise.all(fired.map((edge) => follow(state, walk, visited, edge)));
    }
  } finally {
    await Promise.all(launched);
  }
}

/**
 * Runs a sub flow and checkpoints it when it succeeds; when resuming, a sub flow the
 * checkpoint lists as completed in this frame is restored instead of run again.
 */
async function runOrRestore(state: RunState, sf: SubFlow): Promise<'success' | 'failed'> {
  const frame = frameKey(state.frame);
  const key = `${sf.id}#${frame}`;
  const lists = state.job.metadata.control_edges.filter((e) => e.kind === 'iterate' && e.from_subflow === sf.id);
  if (state.checkpoint.isCompleted(key)) {
    for (const e of lists) {
      const art = await state.checkpoint.loadList(`${e.from}.${e.list_port}#${frame}`);
      if (art) state.outputs.set(`${e.from}.${e.list_port}`, art);
    }
    state.bus.emit({ type: 'subflow.restored', subflow: sf.id, modules: sf.modules, frame });
    return 'success';
  }
  const status = state.executor ? await runRemote(state, sf) : await runSubflow(state, sf);
  if (status === 'success') {
    for (const e of lists) {
      const art = state.outputs.get(`${e.from}.${e.list_port}`);
      if (art) await state.checkpoint.saveList(`${e.from}.${e.list_port}#${frame}`, art);
    }
    // WARNING: secret values are redacted before the checkpoint is written; a resumed run sees *** in globals that held one.
    await state.checkpoint.complete(key, () => ({ globals: state.redactor.deep(state.globals.dump()), nodeStatus: Object.fromEntries(state.nodeStatus) }));
  }
  return status;
}

/** Hands a sub flow to the executor and merges its result; the worker's events are re-emitted here. */
async function runRemote(state: RunState, sf: SubFlow): Promise<'success' | 'failed'> {
  const { run, artifactDir } = state.executor!;
  try {
    const result = await run(toTask(state, sf, artifactDir), (event) => state.bus.emit(event), state.signal);
    return await applyResult(state, result);
  } catch (err) {
    if (state.signal.aborted) {
      // Interrupted: the task was cancelled on its worker; the run reports the interruption.
      for (const id of sf.modules) markSkipped(state, state.job.dag.nodes[id], 'the run was interrupted');
      return 'failed';
    }
    state.errors.push({ subflow: sf.id, message: `${sf.id} (${sf.modules.join(', ')}) could not run on a worker: ${errorMessage(err)}`, hint: (err as Thrown)?.hint });
    for (const id of sf.modules) markSkipped(state, state.job.dag.nodes[id], 'its worker task failed');
    return 'failed';
  }
}

/** Takes one fired edge: dive into its target, loop over its list, or spawn it. */
async function follow(state: RunState, walk: Walk, visited: Set<string>, edge: ControlEdge): Promise<void> {
  if (edge.kind === 'start') {
    state.spawned.push(
      visit(state, walk, visited, edge.to_subflow).catch((err) => {
        state.errors.push({ message: `START scope ${edge.to} failed: ${err?.message ?? err}`, stack: err?.stack });
      }),
    );
    return;
  }
  if (edge.kind === 'iterate') {
    await iterate(state, edge, (frameState) => visit(frameState, walk, new Set(), edge.to_subflow), () => walk.halted);
    return;
  }
  if (gateOf(state, edge)) return arrive(state, walk, visited, edge);
  await visit(state, walk, visited, edge.to_subflow);
}

/** The sync gate an edge leads into, if its target sub flow has one. */
function gateOf(state: RunState, edge: ControlEdge): NonNullable<SubFlow['wait']> | undefined {
  return state.job.metadata.subflows.find((s) => s.id === edge.to_subflow)?.wait;
}

function gateState(state: RunState, walk: Walk, edge: ControlEdge) {
  const key = `${edge.to_subflow}#${frameKey(state.frame)}`;
  let g = walk.gates.get(key);
  if (!g) walk.gates.set(key, (g = { fired: [], missed: [], started: false }));
  return g;
}

/** A fired connection reaches a gate: the gated sub flow runs when enough have. */
async function arrive(state: RunState, walk: Walk, visited: Set<string>, edge: ControlEdge): Promise<void> {
  const wait = gateOf(state, edge)!;
  const g = gateState(state, walk, edge);
  g.fired.push(edge.from);
  const needed = wait.count === 'all' ? wait.of : wait.count;
  if (g.started) return;
  if (g.fired.length < needed) return void walk.skipReason.set(edge.to_subflow, gateReason(wait, g));
  g.started = true;
  await visit(state, walk, visited, edge.to_subflow);
}

/** A connection into a gate will not fire: the gate gives up when too few can. */
function miss(state: RunState, walk: Walk, edge: ControlEdge, reason: string): void {
  const wait = gateOf(state, edge)!;
  const g = gateState(state, walk, edge);
  g.missed.push(`${edge.from} (${reason})`);
  if (!g.started) walk.skipReason.set(edge.to_subflow, gateReason(wait, g));
}

/** Why a gate has not run (yet): too few connections can still fire, or it waits for more. */
function gateReason(wait: NonNullable<SubFlow['wait']>, g: { fired: string[]; missed: string[] }): string {
  const needed = wait.count === 'all' ? wait.of : wait.count;
  const missed = g.missed.length ? `; cannot fire: ${g.missed.join('; ')}` : '';
  if (wait.of - g.missed.length < needed) return `wait: ${wait.count}: only ${wait.of - g.missed.length} of ${wait.of} connections can fire, ${needed} needed${missed}`;
  return `wait: ${wait.count}: ${g.fired.length} of the ${needed} connections needed fired${g.fired.length ? ` (${g.fired.join(', ')})` : ''}${missed}`;
}

/** Decides an edge and reports it; after a halt only error paths leaving the failed sub flow fire. */
function fires(state: RunState, walk: Walk, edge: ControlEdge, sourceStatus: 'success' | 'failed'): boolean {
  let decision: ReturnType<typeof decideValve>;
  try {
    decision = decideValve(state, edge);
  } catch (err) {
    state.errors.push({ message: `cannot evaluate ${errorMessage(err)}`, hint: (err as Thrown)?.hint });
    decision = { fire: false, reason: 'condition could not be evaluated' };
  }
  if (decision.fire && walk.halted && sourceStatus !== 'failed') decision = { fire: false, reason: 'halted after a failure (fail_strategy: halt)' };
  const base = { from: edge.from, to: edge.to, order: edge.order, condition: edge.condition };
  if (decision.fire) state.bus.emit({ type: 'edge.fired', ...base });
  else {
    walk.skipReason.set(edge.to_subflow, decision.reason);
    if (gateOf(state, edge)) miss(state, walk, edge, decision.reason);
    state.bus.emit({ type: 'edge.skipped', ...base, reason: decision.reason });
  }
  return decision.fire;
}

function skipSubflow(state: RunState, sfId: string, reason: string): void {
  const sf = state.job.metadata.subflows.find((s) => s.id === sfId)!;
  state.bus.emit({ type: 'subflow.skipped', subflow: sfId, reason });
  for (const id of sf.modules) markSkipped(state, state.job.dag.nodes[id], reason);
}
