import type { DataEdge, SubFlow } from './types.js';

/** Sub flows are the components of the flow joined by data edges, numbered in flow order. */
export function buildSubFlows(moduleIds: readonly string[], edges: readonly DataEdge[]): SubFlow[] {
  const parent = new Map(moduleIds.map((id) => [id, id]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) {
      parent.set(x, parent.get(parent.get(x)!)!);
      x = parent.get(x)!;
    }
    return x;
  };
  for (const e of edges) parent.set(find(e.from), find(e.to));

  const groups = new Map<string, { modules: string[]; edges: DataEdge[] }>();
  for (const id of moduleIds) {
    const root = find(id);
    const group = groups.get(root);
    if (group) group.modules.push(id);
    else groups.set(root, { modules: [id], edges: [] });
  }
  for (const e of edges) groups.get(find(e.from))!.edges.push(e);
  return [...groups.values()].map((g, i) => ({ id: `subflow_${i + 1}`, modules: g.modules, waves: topoWaves(g.modules, g.edges) }));
}

/** Kahn's algorithm in layers; assumes the data graph is acyclic (checked before). */
export function topoWaves(modules: readonly string[], edges: readonly DataEdge[]): string[][] {
  const inside = new Set(modules);
  const indegree = new Map(modules.map((m) => [m, 0]));
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!inside.has(e.to) || !inside.has(e.from)) continue;
    indegree.set(e.to, indegree.get(e.to)! + 1);
    const list = next.get(e.from);
    if (list) list.push(e.to);
    else next.set(e.from, [e.to]);
  }
  const waves: string[][] = [];
  let ready = modules.filter((m) => indegree.get(m) === 0);
  while (ready.length) {
    waves.push(ready);
    const nextReady: string[] = [];
    for (const m of ready) {
      for (const to of next.get(m) ?? []) {
        const d = indegree.get(to)! - 1;
        indegree.set(to, d);
        if (d === 0) nextReady.push(to);
      }
    }
    ready = nextReady;
  }
  return waves;
}
