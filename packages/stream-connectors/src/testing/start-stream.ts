export { stateDirs } from '@pypeline/stream/testing';
import { runStream, type RunStreamOptions, type StreamApp, type StreamRunResult, type StreamSource } from '@pypeline/stream';

// For the connector tests: run an app through the real runner, wait for rows, stop it.

/** A running app: `stop()` aborts it (final checkpoint) and returns its result. */
export interface RunningStream {
  result: Promise<StreamRunResult>;
  stop(): Promise<StreamRunResult>;
}

export function startStream(app: StreamApp, stateDir: string, options: Partial<RunStreamOptions> = {}): RunningStream {
  const controller = new AbortController();
  const result = runStream(app, { checkpointInterval: '1h', fsync: false, ...options, stateDir, signal: controller.signal });
  result.catch(() => {}); // awaited by the test
  return {
    result,
    stop: () => {
      controller.abort();
      return result;
    },
  };
}

/** Resolves once the runner has opened `source` (e.g. subscribed), so the test can publish. */
export function opened(source: StreamSource): Promise<void> {
  const open = source.open.bind(source);
  return new Promise((resolve, reject) => {
    source.open = async (ctx) => {
      try {
        await open(ctx);
        resolve();
      } catch (e) {
        reject(e as Error);
        throw e;
      }
    };
  });
}
