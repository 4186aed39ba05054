import type { ControlEdge, SubFlow } from './types.js';

/** Sub flows with no control edge leading in, in flow order. */
export function findRoots(subflows: readonly SubFlow[], edges: readonly ControlEdge[]): string[] {
  const targets = new Set(edges.map((e) => e.to_subflow));
  return subflows.filter((sf) => !targets.has(sf.id)).map((sf) => sf.id);
}

/** Control edges leaving a sub flow, grouped by ascending order (one group runs in parallel). */
export function orderGroups(subflow: string, edges: readonly ControlEdge[]): ControlEdge[][] {
  const out = new Map<number, ControlEdge[]>();
  for (const e of edges) if (e.from_subflow === subflow) out.set(e.order, [...(out.get(e.order) ?? []), e]);
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

/** The priority-DFS visiting order when every valve fires; each sub flow is listed once. */
export function staticExecutionOrder(roots: readonly string[], edges: readonly ControlEdge[]): string[] {
  const seen = new Set<string>();
  const visit = (sf: string): void => {
    if (seen.has(sf)) return;
    seen.add(sf);
    for (const group of orderGroups(sf, edges)) for (const e of group) visit(e.to_subflow);
  };
  roots.forEach(visit);
  return [...seen];
}
