import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError, type RunView } from '../api.js';
import { Card, ErrorNotice, StatusBadge } from '../components/common.js';
import { TriggerLabel } from '../components/TriggerLabel.js';
import { GraphPanel } from '../components/GraphPanel.js';
import { Timeline } from '../components/Timeline.js';
import { formatBytes, formatMs, formatRows, formatWhen } from '../format.js';
import { followRun } from '../live/follow-run.js';
import { applyEvent, emptyRun, moduleOf, type RunState } from '../live/run-state.js';
import { go, href } from '../router.js';
import { useApi } from '../use-api.js';

/** One run: live graph, status and buttons, the error with its fix, the timeline, modules and logs. */
export function RunPage({ id }: { id: string }) {
  const view = useApi(() => api.run(id), `run:${id}`);
  const job = useApi(() => (view.data ? api.job(view.data.job) : new Promise<never>(() => {})), `runjob:${view.data?.job ?? ''}`);
  const [run, setRun] = useState<RunState>(emptyRun);
  const [ended, setEnded] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const [nodeFilter, setNodeFilter] = useState<string>('');
  const [actionError, setActionError] = useState<Error | null>(null);

  useEffect(() => {
    setRun(emptyRun());
    setEnded(null);
    return followRun(id, {
      onEvent: (e) => setRun((r) => applyEvent(r, e)),
      onEnd: (status) => {
        setEnded(status);
        view.reload();
      },
      onError: (message) => setActionError(new Error(message)),
    });
  }, [id]);
  useEffect(() => {
    if (ended) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [ended]);

  if (view.error) return <ErrorNotice error={view.error} />;
  if (!view.data) return <div class="page muted">Loading run {id}…</div>;
  const v: RunView = view.data;
  const status = ended ?? (run.status !== 'queued' ? run.status : v.status);
  const finished = ['success', 'failed', 'cancelled'].includes(status);
  const duration = v.durationMs ?? (run.start ? (run.end ?? now) - run.start : undefined);
  const act = (fn: () => Promise<{ id: string }>, follow: boolean) => async () => {
    setActionError(null);
    try {
      const r = await fn();
      if (follow) go({ page: 'run', id: r.id });
    } catch (err) {
      setActionError(err as ApiError);
    }
  };
  const nodes = [...run.nodes.values()];
  const logs = run.logs.filter((l) => !nodeFilter || (l.nodeId && moduleOf(l.nodeId) === nodeFilter));
  // The selected module stays in the list even before it has logged anything.
  const logNodes = [...new Set([...run.logs.map((l) => l.nodeId && moduleOf(l.nodeId)), nodeFilter].filter(Boolean))] as string[];
  const totalRows = nodes.reduce((n, x) => Math.max(n, x.rowsOut), 0);

  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>
            <a href={href({ page: 'job', name: v.job })}>{v.job}</a> <span class="muted">/</span> <span class="mono small-h">{v.id}</span>
          </h1>
          <p class="muted">
            <StatusBadge status={status} /> · started {formatWhen(v.startedAt ?? v.createdAt)} · <span data-testid="run-duration">{formatMs(duration)}</span> · context {v.contextName}
            {totalRows ? ` · ${formatRows(totalRows)} rows` : ''}
            {v.trigger ? <> · started by <TriggerLabel trigger={v.trigger} /></> : null}
          </p>
        </div>
        <div class="actions">
          {!finished && <button class="danger" data-testid="cancel-button" onClick={act(() => api.cancel(v.id), false)}>■ Cancel</button>}
          {(status === 'failed' || status === 'cancelled') && <button data-testid="resume-button" onClick={act(() => api.resume(v.id), true)}>↻ Resume</button>}
          {finished && <button class="primary" data-testid="rerun-button" onClick={act(() => api.start(v.job, v.contextName), true)}>▶ Run again</button>}
        </div>
      </div>
      {actionError && <ErrorNotice error={actionError} />}
      {v.errors.length > 0 && (
        <Card title="Error" testid="run-error">
          {v.errors.map((e) => (
            <div class="problem error">
              <div>{e.nodeId ? <span class="chip">{moduleOf(e.nodeId)}</span> : null}{e.message}</div>
              {e.hint && <div class="fix">fix: {e.hint}</div>}
            </div>
          ))}
        </Card>
      )}
      {job.data && (
        <Card title={finished ? 'Flow' : 'Flow (live)'}>
          <GraphPanel graph={job.data.graph} runs={run.nodes} onSelectNode={(n) => setNodeFilter(n ?? '')} />
        </Card>
      )}
      <Card title="Timeline">
        <Timeline run={run} now={now} />
      </Card>
      <Card title="Modules" testid="modules">
        <table class="grid">
          <thead><tr><th>module</th><th>state</th><th class="num">rows in</th><th class="num">rows out</th><th class="num">rows/s</th><th>read</th><th class="num">time</th><th class="num">attempts</th></tr></thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.moduleId} data-module={n.moduleId}>
                <td class="mono">{n.moduleId}</td>
                <td><StatusBadge status={n.state} /></td>
                <td class="num">{formatRows(n.rowsIn)}</td>
                <td class="num" data-testid="rows-out">{formatRows(n.state === 'running' ? n.rows : n.rowsOut)}</td>
                <td class="num">{n.rate ? formatRows(n.rate) : ''}</td>
                <td>{n.totalBytes ? `${formatBytes(n.bytes ?? 0)} / ${formatBytes(n.totalBytes)}` : ''}</td>
                <td class="num">{formatMs(n.durationMs)}</td>
                <td class="num">{n.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Logs" testid="logs" actions={
        <select value={nodeFilter} onChange={(e) => setNodeFilter((e.target as HTMLSelectElement).value)} aria-label="filter logs by module" data-testid="log-filter">
          <option value="">all modules</option>
          {logNodes.map((n) => <option value={n}>{n}</option>)}
        </select>
      }>
        {!logs.length ? <p class="muted">No log lines{nodeFilter ? ` from ${nodeFilter}` : ''}.</p> : (
          <div class="logs">
            {logs.map((l) => (
              <div class={`log log-${l.level}`}>
                <span class="log-time">{new Date(l.time).toLocaleTimeString()}</span>
                <span class="log-level">{l.level}</span>
                <span class="log-node">{l.nodeId ?? ''}</span>
                <span class="log-msg">{l.msg}</span>
              </div>
            ))}
          </div>
        )}
      </Card>
    </div>
  );
}
