import { PypeError } from '@pypeline/core';

const EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * First SIGINT/SIGTERM: abort the run cleanly (stop scheduling, cancel modules, await
 * teardowns, keep the checkpoint). A second signal exits at once.
 */
export function stopOnSignals(what: 'run' | 'stream' = 'run'): { signal: AbortSignal; exitCode: () => number; dispose: () => void } {
  const controller = new AbortController();
  let received: string | undefined;
  const handler = (sig: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`\n✗ ${sig} again: exiting now\n`);
      process.exit(EXIT[sig]);
    }
    received = sig;
    process.stderr.write(what === 'stream'
      ? `\n! ${sig}: taking a final checkpoint and stopping (press Ctrl-C again to exit at once; the last checkpoint stays intact)\n`
      : `\n! ${sig}: stopping the run (press Ctrl-C again to exit at once)\n`);
    controller.abort(new PypeError(`interrupted by ${sig}`, { hint: 'the checkpoint keeps every completed sub flow' }));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    exitCode: () => EXIT[received ?? 'SIGINT'],
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
