import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FlowGraph } from '../api.js';
import { FlowGraphView, type Selection } from '../graph/FlowGraphView.js';
import { layoutFlow, type Layout } from '../graph/layout.js';
import type { NodeRun } from '../live/run-state.js';
import { Inspector } from './Inspector.js';

/** The graph with its inspector beside it; selecting a module also reports it (logs filter by it). */
export function GraphPanel({ graph, runs, onSelectNode }: { graph: FlowGraph; runs?: Map<string, NodeRun>; onSelectNode?(id: string | null): void }) {
  const [selected, setSelected] = useState<Selection>(null);
  const [layout, setLayout] = useState<Layout | null>(null);
  useEffect(() => void layoutFlow(graph).then(setLayout), [graph]);
  const edges = useMemo(() => new Map(layout?.edges.map((e) => [e.id, e])), [layout]);
  const select = (s: Selection) => {
    setSelected(s);
    onSelectNode?.(s && 'node' in s ? s.node : null);
  };
  return (
    <div class={`graph-panel${selected ? ' with-inspector' : ''}`}>
      <FlowGraphView graph={graph} runs={runs} selected={selected} onSelect={select} />
      {selected && <Inspector graph={graph} selected={selected} runs={runs} edgeOf={(id) => edges.get(id)} />}
    </div>
  );
}

/** The flow's problems, each with its place and fix; clicking one is not needed: the graph marks its module. */
export function ProblemList({ graph }: { graph: FlowGraph }) {
  if (!graph.problems.length) return null;
  const errors = graph.problems.filter((p) => p.severity === 'error').length;
  return (
    <div class="problems" data-testid="problems">
      <h3>{errors ? `${errors} problem${errors === 1 ? '' : 's'}` : 'Warnings'}{errors && graph.problems.length > errors ? ` and ${graph.problems.length - errors} warning(s)` : ''}</h3>
      <ul>
        {graph.problems.map((p) => (
          <li class={`problem ${p.severity}`}>
            <div><span class="mono where">{p.line > 0 ? `line ${p.line}:${p.column}` : ''} {p.path}</span>{p.nodeId ? <span class="chip">{p.nodeId}</span> : null} {p.message}</div>
            {p.hint && <div class="fix">fix: {p.hint}</div>}
          </li>
        ))}
      </ul>
    </div>
  );
}
