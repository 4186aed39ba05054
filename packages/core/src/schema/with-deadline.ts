/**
 * Runs `call` with a signal that aborts after `ms`, and stops waiting for it then: a module
 * describing its schema or checking its config must not hold up the command when a service
 * does not answer. The timeout error carries `hint` when given.
 */
export async function withDeadline<T>(call: (signal: AbortSignal) => Promise<T> | T, ms: number, hint?: string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), hint ? { hint } : {}));
    }, ms);
  });
  try {
    const pending = Promise.resolve(call(controller.signal));
    pending.catch(() => {}); // settles after a timeout: nobody waits for it then
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
