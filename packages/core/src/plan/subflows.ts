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

  const groups = new Map<string, string[]>();
  for (const id of moduleIds) {
    const root = find(id);
    groups.set(root, [...(groups.get(root) ?? []), id]);
  }
  return [...groups.values()].map((modules, i) => ({ id: `subflow_${i + 1}`, modules, waves: topoWaves(modules, edges) }));
}

/** Kahn's algorithm in layers; assumes the data graph is acyclic (checked before). */
export function topoWaves(modules: readonly string[], edges: readonly DataEdge[]): string[][] {
  const inside = new Set(modules);
  const indegree = new Map(modules.map((m) => [m, 0]));
  for (const e of edges) if (inside.has(e.to) && inside.has(e.from)) indegree.set(e.to, indegree.get(e.to)! + 1);
  const waves: string[][] = [];
  let ready = modules.filter((m) => indegree.get(m) === 0);
  while (ready.length) {
    waves.push(ready);
    const nextReady: string[] = [];
    for (const m of ready) {
      for (const e of edges) {
        if (e.from !== m || !inside.has(e.to)) continue;
        const d = indegree.get(e.to)! - 1;
        indegree.set(e.to, d);
        if (d === 0) nextReady.push(e.to);
      }
    }
    ready = nextReady;
  }
  return waves;
}
