import { api, type JobEntry } from '../api.js';
import { Card, ErrorNotice, StatusBadge } from '../components/common.js';
import { ago, formatMs } from '../format.js';
import { href } from '../router.js';
import { useApi } from '../use-api.js';

/** Everything under the served folder: built jobs with their last run, and flow files. */
export function HomePage() {
  const jobs = useApi(api.jobs, 'jobs');
  if (jobs.error) return <ErrorNotice error={jobs.error} />;
  const list = jobs.data ?? [];
  const built = list.filter((j) => j.kind === 'job');
  const flows = list.filter((j) => j.kind === 'flow');
  return (
    <div class="page">
      <h1>Jobs</h1>
      <Card testid="jobs-table">
        {!built.length && !jobs.loading && <p class="muted">No built job here yet: <code>pype build flow.yaml --out &lt;this folder&gt;</code>.</p>}
        {built.length > 0 && (
          <table class="grid">
            <thead><tr><th>job</th><th>modules</th><th>sub flows</th><th>last run</th><th>duration</th><th>built</th></tr></thead>
            <tbody>{built.map((j) => <JobRow job={j} key={j.name} />)}</tbody>
          </table>
        )}
      </Card>
      {flows.length > 0 && (
        <>
          <h1>Flow files</h1>
          <Card>
            <table class="grid">
              <thead><tr><th>file</th><th /></tr></thead>
              <tbody>{flows.map((f) => <tr key={f.file}><td><a href={href({ page: 'flow', file: f.file! })}>{f.file}</a></td><td class="muted">validate and view the graph</td></tr>)}</tbody>
            </table>
          </Card>
        </>
      )}
    </div>
  );
}

function JobRow({ job }: { job: JobEntry }) {
  const r = job.lastRun;
  return (
    <tr>
      <td><a href={href({ page: 'job', name: job.name })} class="strong">{job.name}</a>{job.version ? <span class="muted"> v{job.version}</span> : null}</td>
      <td>{job.modules}</td>
      <td>{job.subflows}</td>
      <td>{r ? <a href={href({ page: 'run', id: r.id })}><StatusBadge status={r.status} /> <span class="muted">{ago(r.createdAt)}</span></a> : <span class="muted">never</span>}</td>
      <td>{r ? formatMs(r.durationMs) : ''}</td>
      <td class="muted">{ago(job.builtAt)}</td>
    </tr>
  );
}
