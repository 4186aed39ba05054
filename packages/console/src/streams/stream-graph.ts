import type { FlowGraph } from '../api.js';
import type { StreamNode } from './streams-api.js';

const TYPE: Record<StreamNode['kind'], string> = { source: 'source', operator: 'mod', sink: 'sink' };

/**
 * A stream app's topology as the flow graph the layout reads: each operator a node (its type as
 * the name, its kind as the type, so sources, operators and sinks get the flow graph's colours),
 * each input a data connection; a window's late output leaves on port `late`.
 */
export function streamGraph(app: string, nodes: StreamNode[]): FlowGraph {
  const ids = new Set(nodes.map((n) => n.id));
  const upstream = (input: string): { from: string; fromPort: string } => {
    if (ids.has(input)) return { from: input, fromPort: 'out' };
    const dot = input.lastIndexOf('.');
    return { from: input.slice(0, dot), fromPort: input.slice(dot + 1) };
  };
  return {
    flow: app,
    nodes: nodes.map((n) => ({ id: n.id, name: n.type, type: TYPE[n.kind], config: {}, inputPorts: [], outputPorts: [] })),
    subflows: [],
    dataEdges: nodes.flatMap((n) => n.inputs.map((input) => ({ ...upstream(input), to: n.id, toPort: 'in' }))).filter((e) => ids.has(e.from)),
    controlEdges: [],
    problems: [],
  };
}

/** A watermark as the console shows it: the time of day (UTC), `end` for an ended source, `—` before the first. */
export function formatWatermark(wm: number | null): string {
  if (wm === null) return '—';
  if (wm >= Number.MAX_SAFE_INTEGER) return 'end';
  return `${new Date(wm).toISOString().slice(11, 19)} UTC`;
}
