import { useEffect } from 'preact/hooks';
import { api } from '../api.js';
import { Card, ErrorNotice, StatusBadge } from '../components/common.js';
import { describeTrigger } from '../components/TriggerLabel.js';
import { ago, formatWhen } from '../format.js';
import { href } from '../router.js';
import { useApi } from '../use-api.js';

/** How often the page asks again: a schedule's next tick and last fire move on their own. */
const REFRESH_MS = 2000;

/** Every trigger of the served jobs: its rule, its next fire time and the last run it started. */
export function SchedulesPage() {
  const schedules = useApi(api.schedules, 'schedules');
  useEffect(() => {
    const timer = setInterval(schedules.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  if (schedules.error) return <ErrorNotice error={schedules.error} />;
  const list = schedules.data ?? [];
  return (
    <div class="page">
      <h1>Schedules</h1>
      <Card testid="schedules">
        {!list.length && !schedules.loading && <p class="muted">No job here has triggers. Add <code>triggers:</code> to a flow (cron, file_arrival or job_success) and build it again.</p>}
        {list.length > 0 && (
          <table class="grid">
            <thead><tr><th>job</th><th>trigger</th><th>rule</th><th>next</th><th>last fired</th></tr></thead>
            <tbody>
              {list.map((s) => (
                <tr key={`${s.job}/${s.trigger.id}`} data-schedule={`${s.job}/${s.trigger.id}`}>
                  <td><a href={href({ page: 'job', name: s.job })} class="strong">{s.job}</a></td>
                  <td class="mono">{s.trigger.id}</td>
                  <td>{describeTrigger(s.trigger)}{s.trigger.context !== 'default' ? <span class="muted"> (context {s.trigger.context})</span> : null}</td>
                  <td>{s.next ? formatWhen(s.next) : <span class="muted">{s.trigger.kind === 'cron' ? 'none' : 'on event'}</span>}</td>
                  <td data-testid="last-fire">
                    {s.last
                      ? <a href={href({ page: 'run', id: s.last.run })}>{s.last.status ? <StatusBadge status={s.last.status} /> : null} <span class="muted">{ago(s.last.firedAt)}</span></a>
                      : <span class="muted">never</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
