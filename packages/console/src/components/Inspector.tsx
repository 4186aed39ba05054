import type { FlowGraph } from '../api.js';
import { formatBytes, formatMs, formatRows } from '../format.js';
import type { Selection } from '../graph/FlowGraphView.js';
import { controlLabel, type Layout } from '../graph/layout.js';
import type { NodeRun } from '../live/run-state.js';

interface Props {
  graph: FlowGraph;
  selected: Selection;
  runs?: Map<string, NodeRun>;
  /** The layout's edges, by id (edge ids come from the layout). */
  edgeOf(id: string): Layout['edges'][number] | undefined;
}

/** The side panel: the selected module's config and run figures, or the selected connection's schema. */
export function Inspector({ graph, selected, runs, edgeOf }: Props) {
  if (!selected) return null;
  if ('edge' in selected) {
    const e = edgeOf(selected.edge);
    if (!e) return null;
    return (
      <aside class="inspector" data-testid="inspector">
        <h3>{e.data ? 'Data connection' : 'Control connection'}</h3>
        <p class="mono">{e.data ? `${e.data.from}.${e.data.fromPort} → ${e.data.to}.${e.data.toPort}` : `${e.from} → ${e.to}`}</p>
        {e.control && (
          <dl>
            <dt>kind</dt><dd>{e.control.kind}</dd>
            <dt>order</dt><dd>{e.control.order || '—'}</dd>
            <dt>condition</dt><dd class="mono">{e.control.condition ?? 'fires on success'}</dd>
            <dt>as drawn</dt><dd class="mono">{controlLabel(e.control)}</dd>
          </dl>
        )}
        {e.data && !e.data.schema && <p class="muted">No schema recorded for this connection (build the job with its schemas to see one).</p>}
        {e.data?.schema && 'unknown' in e.data.schema && <p class="muted">Schema unknown before the run: {e.data.schema.unknown}</p>}
        {e.data?.schema && 'columns' in e.data.schema && (
          <table class="grid small">
            <thead><tr><th>column</th><th>type</th><th>null</th></tr></thead>
            <tbody>{e.data.schema.columns.map((c) => <tr key={c.name}><td class="mono">{c.name}</td><td class="mono">{c.type}</td><td>{c.nullable ? 'yes' : 'no'}</td></tr>)}</tbody>
          </table>
        )}
      </aside>
    );
  }
  const n = graph.nodes.find((x) => x.id === selected.node);
  if (!n) return null;
  const run = runs?.get(n.id);
  const problems = graph.problems.filter((p) => p.nodeId === n.id);
  return (
    <aside class="inspector" data-testid="inspector">
      <h3>{n.id}</h3>
      <p class="muted">{n.name}{n.type ? ` · ${n.type}` : ''}{n.category ? ` · ${n.category}` : ''}</p>
      {n.description && <p>{n.description}</p>}
      {problems.map((p) => (
        <div class={`problem ${p.severity}`}>
          <div>{p.line > 0 ? `line ${p.line}: ` : ''}{p.message}</div>
          {p.hint && <div class="fix">fix: {p.hint}</div>}
        </div>
      ))}
      {run && (
        <dl>
          <dt>state</dt><dd><span class={`badge st-${run.state}`}>{run.state}</span></dd>
          <dt>rows in / out</dt><dd>{formatRows(run.rowsIn)} / {formatRows(run.state === 'running' ? run.rows : run.rowsOut)}</dd>
          {run.rate !== undefined && <><dt>rows/s</dt><dd>{formatRows(run.rate)}</dd></>}
          {run.totalBytes !== undefined && <><dt>read</dt><dd>{formatBytes(run.bytes ?? 0)} of {formatBytes(run.totalBytes)}</dd></>}
          <dt>time</dt><dd>{formatMs(run.durationMs)}</dd>
          <dt>attempts</dt><dd>{run.attempts}</dd>
          {run.reason && <><dt>skipped</dt><dd>{run.reason}</dd></>}
        </dl>
      )}
      {run?.error && (
        <div class="problem error">
          <div>{run.error}</div>
          {run.hint && <div class="fix">fix: {run.hint}</div>}
        </div>
      )}
      <dl>
        {n.package && <><dt>package</dt><dd class="mono">{n.package}@{n.version}</dd></>}
        {n.subflow && <><dt>sub flow</dt><dd class="mono">{n.subflow}</dd></>}
        <dt>ports</dt><dd class="mono">{n.inputPorts.join(', ') || '—'} → {n.outputPorts.join(', ') || '—'}</dd>
        {n.retries !== undefined && <><dt>retries</dt><dd>{n.retries}</dd></>}
        {n.timeout ? <><dt>timeout</dt><dd>{n.timeout} s</dd></> : null}
      </dl>
      <h4>Config</h4>
      <pre class="config" data-testid="node-config">{JSON.stringify(n.config, null, 2)}</pre>
    </aside>
  );
}
