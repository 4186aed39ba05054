import { useEffect, useMemo, useState } from 'preact/hooks';
import { clip, formatRows } from '../format.js';
import { layoutFlow, type Layout, type NodeSize } from '../graph/layout.js';
import { formatWatermark, streamGraph } from './stream-graph.js';
import type { StreamNode } from './streams-api.js';

const SIZE: NodeSize = { width: 216, height: 96 };

/**
 * A stream app's topology laid out by ELK like a flow's graph, each operator with its live
 * figures: rows/s, rows, state entries, watermark and (sources) lag. `live` animates the boxes
 * of a running app; the layout is computed once per topology, not on every refresh.
 */
export function StreamGraphView({ app, nodes, live }: { app: string; nodes: StreamNode[]; live: boolean }) {
  const shape = nodes.map((n) => `${n.id}<${n.inputs.join(',')}`).join(';');
  const graph = useMemo(() => streamGraph(app, nodes), [app, shape]);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    layoutFlow(graph, SIZE).then((l) => current && setLayout(l), (e) => current && setError(String(e)));
    return () => void (current = false);
  }, [graph]);
  if (error) return <div class="notice error">Could not lay out the topology: {error}</div>;
  if (!layout) return <div class="graph-loading">Laying out {nodes.length} operators…</div>;
  return (
    <div class="graph-wrap" data-testid="stream-graph">
      <svg class="graph" viewBox={`0 0 ${layout.width} ${layout.height}`} style={{ width: `${layout.width}px`, maxWidth: '100%', minWidth: `${Math.round(layout.width * 0.6)}px` }}>
        <defs>
          {(['data', 'late'] as const).map((k) => (
            <marker id={`arrow-stream-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" class={`arrow-${k}`} />
            </marker>
          ))}
        </defs>
        {layout.edges.map((e) => {
          const late = e.data?.fromPort === 'late';
          return (
            <g class={`edge edge-data${late ? ' edge-late' : ''}`} key={e.id} data-edge={`${e.from}->${e.to}`}>
              <path d={e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ')} class="edge-line" marker-end={`url(#arrow-stream-${late ? 'late' : 'data'})`} />
            </g>
          );
        })}
        {nodes.map((n) => {
          const box = layout.nodes.get(n.id);
          if (!box) return null;
          const kind = graph.nodes.find((g) => g.id === n.id)!.type;
          return (
            <g class={`node stream-node state-${live ? 'running' : 'idle'} type-${kind}`} key={n.id} data-node={n.id} transform={`translate(${box.x},${box.y})`}>
              <title>{`${n.id} (${n.type}) from ${n.inputs.join(', ') || 'outside'}`}</title>
              <rect class="node-box" width={box.width} height={box.height} rx={8} />
              <rect class="node-stripe" width={5} height={box.height} rx={2} />
              <text class="node-id" x={14} y={20}>{clip(n.id, 20)}</text>
              <text class="node-type" x={box.width - 10} y={20} text-anchor="end">{n.kind}</text>
              <text class="node-name" x={14} y={37}>{clip(n.type, 28)}</text>
              <text class="node-rate" x={14} y={58} data-testid="node-rate">{live ? `${formatRows(n.rowsPerSec)} rows/s` : 'stopped'}</text>
              <text class="node-rows" x={14} y={74}>{formatRows(n.kind === 'source' ? n.rowsOut : n.rowsIn)} rows{n.kind === 'operator' ? ` · state ${formatRows(n.stateEntries)}` : ''}</text>
              <text class="node-cat" x={14} y={89}>wm {formatWatermark(n.watermark)}{n.lag !== undefined ? ` · lag ${formatRows(n.lag)}` : ''}{n.lateRows ? ` · late ${formatRows(n.lateRows)}` : ''}</text>
            </g>
          );
        })}
      </svg>
      <div class="legend">
        <span><i class="lg lg-data" /> records</span>
        <span><i class="lg lg-late" /> late records (a window's late output)</span>
        <span class="legend-hint">rows/s since the app's previous metrics (written every second)</span>
      </div>
    </div>
  );
}
