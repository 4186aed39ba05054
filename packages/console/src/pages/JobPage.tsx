import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api.js';
import { Card, ErrorNotice, StatusBadge } from '../components/common.js';
import { GraphPanel } from '../components/GraphPanel.js';
import { TriggerLabel } from '../components/TriggerLabel.js';
import { ago, formatMs, formatWhen } from '../format.js';
import { go, href } from '../router.js';
import { useApi } from '../use-api.js';

/** A built job: its graph, a Run button with the context to use, and its run history. */
export function JobPage({ name }: { name: string }) {
  const job = useApi(() => api.job(name), `job:${name}`);
  const history = useApi(() => api.history(name), `history:${name}`);
  const [context, setContext] = useState('default');
  const [starting, setStarting] = useState<Error | null | 'busy'>(null);
  if (job.error) return <ErrorNotice error={job.error} />;
  if (!job.data) return <div class="page muted">Loading {name}…</div>;
  const start = async () => {
    setStarting('busy');
    try {
      const { id } = await api.start(name, context);
      go({ page: 'run', id });
    } catch (err) {
      setStarting(err as ApiError);
    }
  };
  const j = job.data;
  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>{j.name}</h1>
          <p class="muted">{j.version ? `v${j.version} · ` : ''}{j.graph.nodes.length} modules · {j.graph.subflows.length} sub flows · built {ago(j.builtAt)}</p>
        </div>
        <div class="actions">
          {j.contexts.length > 1 && (
            <select value={context} onChange={(e) => setContext((e.target as HTMLSelectElement).value)} aria-label="context">
              {j.contexts.map((c) => <option value={c}>{c}</option>)}
            </select>
          )}
          <button class="primary" data-testid="run-button" disabled={starting === 'busy'} onClick={start}>▶ Run</button>
        </div>
      </div>
      {starting instanceof Error && <ErrorNotice error={starting} />}
      <Card title="Flow">
        <GraphPanel graph={j.graph} />
      </Card>
      <Card title="Runs" testid="history" actions={<button onClick={history.reload}>Refresh</button>}>
        {history.error && <ErrorNotice error={history.error} />}
        {history.data && !history.data.length && <p class="muted">No run yet. Press Run.</p>}
        {history.data && history.data.length > 0 && (
          <table class="grid">
            <thead><tr><th>run</th><th>status</th><th>started</th><th>duration</th><th>context</th><th>started by</th><th>error</th></tr></thead>
            <tbody>
              {history.data.map((r) => (
                <tr key={r.id} data-run={r.id}>
                  <td><a href={href({ page: 'run', id: r.id })} class="mono">{r.id}</a></td>
                  <td><StatusBadge status={r.status} /></td>
                  <td>{formatWhen(r.startedAt ?? r.createdAt)}</td>
                  <td>{formatMs(r.durationMs)}</td>
                  <td>{r.contextName}</td>
                  <td><TriggerLabel trigger={r.trigger} /></td>
                  <td class="err-cell">{r.errors[0]?.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
