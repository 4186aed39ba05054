/** The error an attempt fails with when it exceeds the module's timeout; retryable. */
export class ModuleTimeoutError extends Error {
  constructor(moduleId: string, seconds: number) {
    super(`${moduleId} timed out after ${seconds} s (modules[].timeout)`);
    this.name = 'ModuleTimeoutError';
  }
}

/** The signal one attempt runs under: the run's signal, plus the module's own timeout. */
export function attemptSignal(runSignal: AbortSignal, moduleId: string, timeoutSeconds: number | null): { signal: AbortSignal; dispose: () => void } {
  if (!timeoutSeconds) return { signal: runSignal, dispose: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ModuleTimeoutError(moduleId, timeoutSeconds)), timeoutSeconds * 1000);
  const onRunAbort = () => controller.abort(runSignal.reason);
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onRunAbort);
    },
  };
}
