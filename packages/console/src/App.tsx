import { useEffect, useState } from 'preact/hooks';
import { api, setToken, token, type JobEntry } from './api.js';
import { FlowPage } from './pages/FlowPage.js';
import { HomePage } from './pages/HomePage.js';
import { JobPage } from './pages/JobPage.js';
import { RunPage } from './pages/RunPage.js';
import { SchedulesPage } from './pages/SchedulesPage.js';
import { href, useRoute, type Route } from './router.js';
import { StreamPage } from './streams/StreamPage.js';
import { StreamsPage } from './streams/StreamsPage.js';

/** The shell: top bar, the jobs and flows of the served folder on the left, the page on the right. */
export function App() {
  const route = useRoute();
  const [askToken, setAskToken] = useState(false);
  const [jobs, setJobs] = useState<JobEntry[]>([]);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    const on = () => setAskToken(true);
    addEventListener('pype-unauthorized', on);
    return () => removeEventListener('pype-unauthorized', on);
  }, []);
  useEffect(() => {
    api.jobs().then(setJobs, (e) => e.status === 401 && setAskToken(true));
  }, [epoch, JSON.stringify(route)]);
  if (askToken) return <TokenForm onDone={() => { setAskToken(false); setEpoch((n) => n + 1); }} />;
  return (
    <div class="shell" key={epoch}>
      <header class="topbar">
        <a href="#/" class="brand"><span class="logo">P</span> PYpeline <span class="muted">console</span></a>
        <span class="spacer" />
        {token() && <button class="ghost" onClick={() => { setToken(null); setAskToken(true); }}>Sign out</button>}
      </header>
      <nav class="sidebar">
        <a href="#/" class={route.page === 'home' ? 'active' : ''}>All jobs</a>
        <a href={href({ page: 'streams' })} class={route.page === 'streams' || route.page === 'stream' ? 'active' : ''}>Stream apps</a>
        <a href={href({ page: 'schedules' })} class={route.page === 'schedules' ? 'active' : ''} data-testid="nav-schedules">Schedules</a>
        <h4>Jobs</h4>
        {jobs.filter((j) => j.kind === 'job').map((j) => (
          <a href={href({ page: 'job', name: j.name })} class={isActive(route, j) ? 'active' : ''}>
            <i class={`dot st-${j.lastRun?.status ?? 'none'}`} /> {j.name}
          </a>
        ))}
        {jobs.some((j) => j.kind === 'flow') && <h4>Flow files</h4>}
        {jobs.filter((j) => j.kind === 'flow').map((j) => (
          <a href={href({ page: 'flow', file: j.file! })} class={route.page === 'flow' && route.file === j.file ? 'active' : ''}>{j.file}</a>
        ))}
      </nav>
      <main class="main">
        {route.page === 'home' && <HomePage />}
        {route.page === 'job' && <JobPage name={route.name} key={route.name} />}
        {route.page === 'flow' && <FlowPage file={route.file} key={route.file} />}
        {route.page === 'run' && <RunPage id={route.id} key={route.id} />}
        {route.page === 'streams' && <StreamsPage />}
        {route.page === 'stream' && <StreamPage id={route.id} key={route.id} />}
        {route.page === 'schedules' && <SchedulesPage />}
      </main>
    </div>
  );
}

function isActive(route: Route, j: JobEntry): boolean {
  return route.page === 'job' && route.name === j.name;
}

function TokenForm({ onDone }: { onDone(): void }) {
  const [value, setValue] = useState('');
  return (
    <div class="login">
      <form onSubmit={(e) => { e.preventDefault(); setToken(value.trim()); onDone(); }}>
        <h1><span class="logo">P</span> PYpeline console</h1>
        <p>This server asks for a bearer token: one of its <code>PYPE_SERVE_TOKEN</code> or <code>--token-file</code> tokens.</p>
        <input type="password" placeholder="token" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} autoFocus data-testid="token-input" />
        <button class="primary" type="submit">Open</button>
        <p class="muted small">The token is kept in this browser's local storage and sent only to this server.</p>
      </form>
    </div>
  );
}
