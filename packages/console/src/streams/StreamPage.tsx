import { Card, ErrorNotice, StatusBadge } from '../components/common.js';
import { ago, formatMs, formatRows, formatWhen } from '../format.js';
import { href } from '../router.js';
import { formatWatermark } from './stream-graph.js';
import { StreamGraphView } from './StreamGraphView.js';
import { isLive, streamsApi, type StreamDetail } from './streams-api.js';
import { usePoll } from './use-poll.js';
import './streams.css';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One stream app, live: its topology with each operator's figures, polled every second while
 * it runs (its metrics are written every second) and every 5 s once it has stopped, so a
 * restart is seen.
 */
export function StreamPage({ id }: { id: string }) {
  const app = usePoll(() => streamsApi.get(id), `stream:${id}`, (d) => (d && !isLive(d.status) ? 5000 : 1000));
  if (!app.data) return app.error ? <ErrorNotice error={app.error} /> : <div class="page muted">Loading stream app {id}…</div>;
  const s: StreamDetail = app.data;
  const live = isLive(s.status);
  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1><a href={href({ page: 'streams' })}>Stream apps</a> <span class="muted">/</span> {s.app}</h1>
          <p class="muted" data-testid="stream-head">
            <StatusBadge status={s.status} /> · {live ? `pid ${s.pid}, up ${formatMs(Date.now() - s.startedAt)}` : `started ${formatWhen(iso(s.startedAt))}`}
            {' · '}{live ? <span data-testid="stream-rate">{formatRows(s.rowsPerSec)} rows/s</span> : 'stopped'} · {formatRows(s.rows)} rows read
            {' · '}{s.checkpoint ? `checkpoint #${s.checkpoint.id} ${ago(iso(s.checkpoint.time))} (took ${formatMs(s.checkpoint.durationMs)})` : 'no checkpoint yet'}
          </p>
        </div>
      </div>
      {app.error && <ErrorNotice error={app.error} />}
      <StatusNotice s={s} />
      <Card title={live ? 'Topology (live)' : 'Topology'}>
        {s.nodes.length ? <StreamGraphView app={s.app} nodes={s.nodes} live={live} /> : <p class="muted">The app has not reported its operators yet.</p>}
      </Card>
      <Card title="Operators" testid="operators">
        <table class="grid">
          <thead><tr><th>operator</th><th>type</th><th>from</th><th class="num">rows in</th><th class="num">rows out</th><th class="num">rows/s</th><th class="num">late</th><th class="num">state</th><th class="num">lag</th><th>watermark</th></tr></thead>
          <tbody>
            {s.nodes.map((n) => (
              <tr key={n.id} data-operator={n.id}>
                <td class="mono">{n.id}</td>
                <td>{n.type} <span class="muted">{n.kind}</span></td>
                <td class="mono muted">{n.inputs.join(', ') || '—'}</td>
                <td class="num">{n.kind === 'source' ? '—' : formatRows(n.rowsIn)}</td>
                <td class="num">{n.kind === 'sink' ? '—' : formatRows(n.rowsOut)}</td>
                <td class="num" data-testid="rows-per-sec">{live ? formatRows(n.rowsPerSec) : '—'}</td>
                <td class="num">{formatRows(n.lateRows)}</td>
                <td class="num">{formatRows(n.stateEntries)}</td>
                <td class="num">{n.lag === undefined ? '—' : formatRows(n.lag)}</td>
                <td class="mono">{n.watermark === null || n.watermark >= Number.MAX_SAFE_INTEGER ? formatWatermark(n.watermark) : iso(n.watermark)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted small">State folder <code>{s.stateDir}</code>{s.updatedAt ? ` · metrics written ${ago(iso(s.updatedAt))}` : ''} · the same figures: <code>pype inspect --state-dir {s.stateDir}</code></p>
      </Card>
    </div>
  );
}

/** Why a stopped app stopped, and how to go on: a state, not an error page. */
function StatusNotice({ s }: { s: StreamDetail }) {
  if (s.status === 'failed') {
    return <div class="notice error" data-testid="stream-error"><div>{s.error ?? 'the app failed'}</div><div class="fix">fix: remove the cause and run the app again: it resumes from its last checkpoint</div></div>;
  }
  if (s.status === 'gone') {
    return <div class="notice warn" data-testid="stream-gone">Process {s.pid} is gone: it was killed or crashed while running. Run the app again to resume from its last checkpoint.</div>;
  }
  if (s.status === 'stopped') return <div class="notice info" data-testid="stream-stopped">The app has stopped; its last checkpoint is kept, and running it again resumes from there.</div>;
  return null;
}
