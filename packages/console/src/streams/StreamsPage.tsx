import { Card, ErrorNotice, StatusBadge } from '../components/common.js';
import { ago, formatRows } from '../format.js';
import { href } from '../router.js';
import { isLive, streamsApi, type StreamSummary } from './streams-api.js';
import { usePoll } from './use-poll.js';

/** Every stream app run on the server's machine, running ones first, refreshed every 2 s. */
export function StreamsPage() {
  const list = usePoll(streamsApi.list, 'streams', () => 2000);
  const streams = [...(list.data?.streams ?? [])].sort((a, b) => Number(isLive(b.status)) - Number(isLive(a.status)));
  return (
    <div class="page">
      <div class="page-head">
        <div>
          <h1>Stream apps</h1>
          <p class="muted">Apps started with <code>pype run &lt;app&gt;</code> on this machine, in any folder; the figures are what <code>pype inspect</code> shows.</p>
        </div>
      </div>
      {list.error && <ErrorNotice error={list.error} />}
      <Card testid="streams-table">
        {list.data && !streams.length && <p class="muted">No stream app has run on this machine yet (apps announce themselves in <code>{list.data.dir}</code>).</p>}
        {streams.length > 0 && (
          <table class="grid">
            <thead><tr><th>app</th><th>status</th><th class="num">operators</th><th class="num">rows read</th><th class="num">rows/s</th><th>last checkpoint</th><th>state folder</th></tr></thead>
            <tbody>{streams.map((s) => <StreamRow s={s} key={s.id} />)}</tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function StreamRow({ s }: { s: StreamSummary }) {
  return (
    <tr data-stream={s.app}>
      <td><a href={href({ page: 'stream', id: s.id })} class="strong">{s.app}</a></td>
      <td><StatusBadge status={s.status} /></td>
      <td class="num">{s.operators}</td>
      <td class="num">{formatRows(s.rows)}</td>
      <td class="num">{isLive(s.status) ? formatRows(s.rowsPerSec) : ''}</td>
      <td>{s.checkpoint ? `#${s.checkpoint.id}, ${ago(new Date(s.checkpoint.time).toISOString())}` : <span class="muted">none yet</span>}</td>
      <td class="mono muted small">{s.stateDir}</td>
    </tr>
  );
}
