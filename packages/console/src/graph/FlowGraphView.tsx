import { useEffect, useState } from 'preact/hooks';
import type { FlowGraph } from '../api.js';
import { clip, formatRows } from '../format.js';
import type { NodeRun } from '../live/run-state.js';
import { layoutFlow, type LaidEdge, type Layout } from './layout.js';

export type Selection = { node: string } | { edge: string } | null;

interface Props {
  graph: FlowGraph;
  /** The run's state per module, to colour the graph; none for a flow at rest. */
  runs?: Map<string, NodeRun>;
  selected: Selection;
  onSelect(s: Selection): void;
}

const KIND_CLASS: Record<LaidEdge['kind'], string> = { data: 'edge-data', normal: 'edge-control', iterate: 'edge-iterate', start: 'edge-start' };

/** The flow drawn with ELK's layout: modules, sub flows, data and control connections, problems, live state. */
export function FlowGraphView({ graph, runs, selected, onSelect }: Props) {
  const [layout, setLayout] = useState<Layout | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    layoutFlow(graph).then((l) => live && setLayout(l), (e) => live && setError(String(e)));
    return () => void (live = false);
  }, [graph]);
  if (error) return <div class="notice error">Could not lay out the graph: {error}</div>;
  if (!layout) return <div class="graph-loading">Laying out {graph.nodes.length} modules…</div>;
  const problems = new Map<string, number>();
  for (const p of graph.problems) if (p.nodeId && p.severity === 'error') problems.set(p.nodeId, (problems.get(p.nodeId) ?? 0) + 1);
  const warned = new Set(graph.problems.filter((p) => p.nodeId && p.severity === 'warning').map((p) => p.nodeId!));
  return (
    <div class="graph-wrap" data-testid="flow-graph">
      <svg class="graph" viewBox={`0 0 ${layout.width} ${layout.height}`} style={{ width: `${layout.width}px`, maxWidth: '100%', minWidth: `${Math.round(layout.width * 0.6)}px` }}
        onClick={() => onSelect(null)}>
        <defs>
          {(['data', 'control', 'iterate', 'start'] as const).map((k) => (
            <marker id={`arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" class={`arrow-${k}`} />
            </marker>
          ))}
        </defs>
        {layout.subflows.map((s) => (
          <g class="subflow" key={s.id}>
            <rect x={s.x} y={s.y} width={s.width} height={s.height} rx={10} />
            <text x={s.x + 12} y={s.y + 18}>{s.id}</text>
          </g>
        ))}
        {layout.edges.map((e) => {
          const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
          const marker = e.kind === 'data' ? 'data' : e.kind === 'normal' ? 'control' : e.kind;
          const isSel = selected && 'edge' in selected && selected.edge === e.id;
          return (
            <g class={`edge ${KIND_CLASS[e.kind]}${isSel ? ' selected' : ''}`} key={e.id} data-edge={`${e.from}->${e.to}`}
              onClick={(ev) => { ev.stopPropagation(); onSelect({ edge: e.id }); }}>
              <path d={d} class="edge-hit" />
              <path d={d} class="edge-line" marker-end={`url(#arrow-${marker})`} />
              {e.label && (
                <g class="edge-label">
                  <rect x={e.label.x - 2} y={e.label.y - 1} width={e.label.width + 4} height={e.label.height + 2} rx={4} />
                  <text x={e.label.x + e.label.width / 2} y={e.label.y + 12} text-anchor="middle">{e.label.text}</text>
                </g>
              )}
            </g>
          );
        })}
        {graph.nodes.map((n) => {
          const box = layout.nodes.get(n.id);
          if (!box) return null;
          const run = runs?.get(n.id);
          const state = run?.state ?? (runs ? 'pending' : 'idle');
          const isSel = selected && 'node' in selected && selected.node === n.id;
          const errs = problems.get(n.id) ?? 0;
          const cls = ['node', `state-${state}`, `type-${n.type ?? 'unknown'}`, isSel ? 'selected' : '', errs ? 'has-problem' : warned.has(n.id) ? 'has-warning' : ''].join(' ');
          return (
            <g class={cls} key={n.id} data-node={n.id} data-state={state} transform={`translate(${box.x},${box.y})`}
              onClick={(ev) => { ev.stopPropagation(); onSelect({ node: n.id }); }}>
              <title>{`${n.id} (${n.name})${n.description ? `\n${n.description}` : ''}`}</title>
              <rect class="node-box" width={box.width} height={box.height} rx={8} />
              <rect class="node-stripe" width={5} height={box.height} rx={2} />
              <text class="node-id" x={14} y={22}>{clip(n.id, 17)}</text>
              <text class="node-name" x={14} y={40}>{clip(n.name, 16)}</text>
              {n.type && <text class="node-type" x={box.width - 10} y={22} text-anchor="end">{n.type}</text>}
              {n.category && <text class="node-cat" x={box.width - 10} y={40} text-anchor="end">{clip(n.category, 12)}</text>}
              {run && (run.rows > 0 || run.state === 'running' || run.state === 'success') && (
                <text class="node-rows" x={14} y={57}>
                  {formatRows(run.rows)} rows{run.rate !== undefined && run.rate > 0 ? ` · ${formatRows(run.rate)}/s` : ''}
                </text>
              )}
              {run && run.state !== 'pending' && !(run.rows > 0 || run.state === 'running' || run.state === 'success') && (
                <text class="node-rows" x={14} y={57}>{run.state}</text>
              )}
              {errs > 0 && (
                <g class="problem-badge" transform={`translate(${box.width - 8},-8)`}>
                  <circle r={10} />
                  <text y={4} text-anchor="middle">{errs}</text>
                </g>
              )}
            </g>
          );
        })}
      </svg>
      <div class="legend">
        <span><i class="lg lg-data" /> data</span>
        <span><i class="lg lg-control" /> control (order | condition)</span>
        <span><i class="lg lg-iterate" /> ITERATE</span>
        <span><i class="lg lg-start" /> START</span>
        <span class="legend-hint">click a module for its config, a connection for its schema</span>
      </div>
    </div>
  );
}
