import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'home' }
  | { page: 'job'; name: string }
  | { page: 'flow'; file: string }
  | { page: 'run'; id: string }
  | { page: 'streams' }
  | { page: 'stream'; id: string }
  | { page: 'schedules' };

/** Routes live in the hash (`#/jobs/sample_etl`), so the server serves one static page. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'jobs' && parts[1]) return { page: 'job', name: parts[1] };
  if (parts[0] === 'flows' && parts[1]) return { page: 'flow', file: parts[1] };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', id: parts[1] };
  if (parts[0] === 'streams') return parts[1] ? { page: 'stream', id: parts[1] } : { page: 'streams' };
  if (parts[0] === 'schedules') return { page: 'schedules' };
  return { page: 'home' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'home': return '#/';
    case 'job': return `#/jobs/${encodeURIComponent(route.name)}`;
    case 'flow': return `#/flows/${encodeURIComponent(route.file)}`;
    case 'run': return `#/runs/${encodeURIComponent(route.id)}`;
    case 'streams': return '#/streams';
    case 'stream': return `#/streams/${encodeURIComponent(route.id)}`;
    case 'schedules': return '#/schedules';
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function go(route: Route): void {
  location.hash = href(route);
}
