/**
 * Finds one cycle in a directed graph, returned as the node chain that closes it
 * (`[a, b, a]`), or null. Iterative DFS so deep flows cannot overflow the stack; `next` is
 * called once per node.
 */
export function findCycle(nodes: readonly string[], next: (n: string) => readonly string[]): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  for (const root of nodes) {
    if (state.has(root)) continue;
    const stack: { node: string; succ: readonly string[]; i: number }[] = [{ node: root, succ: next(root), i: 0 }];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const succ = top.succ;
      if (top.i >= succ.length) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const n = succ[top.i++];
      const s = state.get(n);
      if (s === 1) {
        const from = stack.findIndex((f) => f.node === n);
        return [...stack.slice(from).map((f) => f.node), n];
      }
      if (s === undefined) {
        state.set(n, 1);
        stack.push({ node: n, succ: next(n), i: 0 });
      }
    }
  }
  return null;
}

/** `next` for findCycle from a list of edges, indexed once (filtering every edge per node is quadratic). */
export function successorsOf<E>(edges: readonly E[], from: (e: E) => string, to: (e: E) => string): (n: string) => readonly string[] {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(from(e));
    if (list) list.push(to(e));
    else out.set(from(e), [to(e)]);
  }
  return (n) => out.get(n) ?? [];
}
