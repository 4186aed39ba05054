/**
 * Resolves after `ms`, or as soon as `signal` aborts (at once if it already has). It never
 * rejects: a caller that must stop checks `signal.aborted` after it, so a poll loop reads
 * `await sleep(ms, signal); if (signal.aborted) return;`. Leaves no timer or listener behind.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
