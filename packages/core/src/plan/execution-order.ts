import type { ControlEdge, SubFlow } from './types.js';

/** Sub flows with no control edge leading in, in flow order. */
export function findRoots(subflows: readonly SubFlow[], edges: readonly ControlEdge[]): string[] {
  const targets = new Set(edges.map((e) => e.to_subflow));
  return subflows.filter((sf) => !targets.has(sf.id)).map((sf) => sf.id);
}

// One index per edge list: the scheduler asks for a sub flow's groups once per visit, and
// scanning every edge each time made long control chains quadratic.
const groupIndex = new WeakMap<readonly ControlEdge[], Map<string, ControlEdge[][]>>();

/** Control edges leaving a sub flow, grouped by ascending order (one group runs in parallel). */
export function orderGroups(subflow: string, edges: readonly ControlEdge[]): ControlEdge[][] {
  let index = groupIndex.get(edges);
  if (!index) {
    index = indexGroups(edges);
    groupIndex.set(edges, index);
  }
  return index.get(subflow) ?? [];
}

function indexGroups(edges: readonly ControlEdge[]): Map<string, ControlEdge[][]> {
  const byOrder = new Map<string, Map<number, ControlEdge[]>>();
  for (const e of edges) {
    let orders = byOrder.get(e.from_subflow);
    if (!orders) byOrder.set(e.from_subflow, (orders = new Map()));
    const group = orders.get(e.order);
    if (group) group.push(e);
    else orders.set(e.order, [e]);
  }
  const out = new Map<string, ControlEdge[][]>();
  for (const [sf, orders] of byOrder) out.set(sf, [...orders.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group));
  return out;
}

/**
 * The priority-DFS visiting order when every valve fires; each sub flow is listed once.
 * Iterative (an explicit stack of edge cursors) so a long control chain cannot overflow the stack.
 */
export function staticExecutionOrder(roots: readonly string[], edges: readonly ControlEdge[]): string[] {
  const seen = new Set<string>();
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack = [{ next: orderGroups(root, edges).flat(), i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i >= top.next.length) {
        stack.pop();
        continue;
      }
      const to = top.next[top.i++].to_subflow;
      if (seen.has(to)) continue;
      seen.add(to);
      stack.push({ next: orderGroups(to, edges).flat(), i: 0 });
    }
  }
  return [...seen];
}
