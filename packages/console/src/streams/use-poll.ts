import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';

/**
 * `fetcher()` now and again `every(data)` ms after each answer (never two requests at once),
 * until the view goes away or `key` changes. A failed poll keeps the last data and is retried.
 */
export function usePoll<T>(fetcher: () => Promise<T>, key: string, every: (data: T | undefined) => number): { data?: T; error?: Error } {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: T | undefined;
    const tick = () => {
      fetcher().then(
        (data) => {
          last = data;
          if (live) setState({ data });
        },
        (error: Error) => {
          if (live) setState((s) => ({ ...s, error }));
          if (error instanceof ApiError && error.status === 401) dispatchEvent(new CustomEvent('pype-unauthorized'));
        },
      ).finally(() => {
        if (live) timer = setTimeout(tick, every(last));
      });
    };
    setState({});
    tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  return state;
}
