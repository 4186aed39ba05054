/**
 * Polls `ready` (sync or async) until it holds, and fails after `timeoutMs` naming what was
 * awaited. `what` may be a function, called only on failure, to add what was seen instead
 * (a child's output, the rows so far).
 *
 * The one way tests wait for something: a readiness wait instead of a fixed sleep, and never an
 * unbounded loop. The default deadline is generous because a busy 2-core machine can be ten
 * times slower than an idle one, yet below the shared 30 s test timeout, so that a wait that
 * fails says what it waited for; a test that needs longer passes its own (and a larger test
 * timeout).
 */
export async function until(ready: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 20_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
