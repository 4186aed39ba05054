import { PypeError } from '@pypeline/core';

const EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export interface StopOnSignalsOptions {
  /** Prints one message line (stderr for runs, stdout for the long-lived worker and server). */
  say(line: string): void;
  /** What the first signal starts, e.g. "stopping the run". */
  stopping: string;
  /** Added to the first message's "(press Ctrl-C again to exit at once; …)": what stays safe. */
  keeps?: string;
  /** Added to the second signal's "exiting now; …": what becomes of the work cut off. */
  exitNote?: string;
  /** The hint of `signal`'s abort reason (an `interrupted by SIGINT` PypeError). */
  hint?: string;
}

export interface StopSignals {
  /** Aborts at the first signal. */
  signal: AbortSignal;
  /** Resolves with the first signal. */
  stopped: Promise<NodeJS.Signals>;
  /** The exit code of a command a signal stopped: 130 for SIGINT, 143 for SIGTERM. */
  exitCode(): number;
  /** Hands SIGINT/SIGTERM back to Node's defaults. */
  dispose(): void;
}

/**
 * Ctrl-C for every command that runs until stopped: the first SIGINT/SIGTERM says what it does
 * and starts a graceful stop (`signal` aborts, `stopped` resolves); a second one exits at once
 * with 130 / 143, for when the graceful stop takes too long.
 */
export function stopOnSignals(options: StopOnSignalsOptions): StopSignals {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  let resolveStopped!: (sig: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve));
  const handler = (sig: NodeJS.Signals) => {
    if (received) {
      options.say(`✗ ${sig} again: exiting now${options.exitNote ? `; ${options.exitNote}` : ''}`);
      process.exit(EXIT[sig]);
    }
    received = sig;
    options.say(`! ${sig}: ${options.stopping} (press Ctrl-C again to exit at once${options.keeps ? `; ${options.keeps}` : ''})`);
    controller.abort(new PypeError(`interrupted by ${sig}`, { hint: options.hint }));
    resolveStopped(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    stopped,
    exitCode: () => EXIT[received ?? 'SIGINT'],
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `say` for commands whose output is a run's: on stderr, set off from the `^C` the terminal echoes. */
export const sayOnStderr = (line: string): void => void process.stderr.write(`\n${line}\n`);
