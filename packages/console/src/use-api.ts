import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface Loaded<T> {
  data?: T;
  error?: ApiError | Error;
  loading: boolean;
  reload(): void;
}

/** Loads `fetcher()` when `key` changes; `reload` loads again. A 401 asks the app for a token. */
export function useApi<T>(fetcher: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fetcher().then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => {
        if (!live) return;
        setState({ error, loading: false });
        if (error instanceof ApiError && error.status === 401) dispatchEvent(new CustomEvent('pype-unauthorized'));
      },
    );
    return () => void (live = false);
  }, [key, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}
