/**
 * Finds one cycle in a directed graph, returned as the node chain that closes it
 * (`[a, b, a]`), or null. Iterative DFS so deep flows cannot overflow the stack.
 */
export function findCycle(nodes: readonly string[], next: (n: string) => readonly string[]): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  for (const root of nodes) {
    if (state.has(root)) continue;
    const stack: { node: string; i: number }[] = [{ node: root, i: 0 }];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const succ = next(top.node);
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
        stack.push({ node: n, i: 0 });
      }
    }
  }
  return null;
}
