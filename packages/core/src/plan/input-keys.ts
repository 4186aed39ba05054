import { inputKey } from '@pypeline/sdk';
import type { DagNode, DataEdge } from './types.js';

/**
 * The data edges into `node` with the key each arrives under in the module's `inputs` (and its
 * `outputSchemas` inputs): the port name, or for a many port `inputKey(port, i)`, numbered in
 * the order the edges are listed (the order of `connections.data`). The run and the schema
 * propagation both key inputs here, so a module sees the same keys in both.
 */
export function inputKeys(node: Pick<DagNode, 'id' | 'many_input_ports'>, edges: readonly DataEdge[]): { edge: DataEdge; key: string }[] {
  const many = new Set(node.many_input_ports ?? []);
  const counts = new Map<string, number>();
  const keyed: { edge: DataEdge; key: string }[] = [];
  for (const edge of edges) {
    if (edge.to !== node.id) continue;
    if (!many.has(edge.to_port)) {
      keyed.push({ edge, key: edge.to_port });
      continue;
    }
    const index = counts.get(edge.to_port) ?? 0;
    counts.set(edge.to_port, index + 1);
    keyed.push({ edge, key: inputKey(edge.to_port, index) });
  }
  return keyed;
}
