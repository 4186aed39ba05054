import { PypeError } from '@pypeline/core';

const FIX = '\n  fix: ';

/** A task error as it crosses Redis: BullMQ keeps only a message, so the hint rides in it. */
export function encodeFailure(message: string, hint?: string): string {
  return hint ? `${message}${FIX}${hint}` : message;
}

// BullMQ's reason when a task's workers died more often than maxStalledCount allows.
const STALLED = 'job stalled more than allowable limit';

export function decodeFailure(reason: string | undefined): { message: string; hint?: string } {
  const text = reason || 'the task failed without a message';
  if (text === STALLED) {
    return {
      message: `the workers running it stopped answering (killed or frozen) more often than allowed: ${STALLED}`,
      hint: 'check the worker machines (memory, OOM kills) and their logs; raise --stall-timeout if a module blocks the event loop for long',
    };
  }
  const at = text.indexOf(FIX);
  return at < 0 ? { message: text } : { message: text.slice(0, at), hint: text.slice(at + FIX.length) };
}

/** The failure as the coordinator reports it on the run. */
export function failureError(reason: string | undefined, suffix: string): PypeError {
  const { message, hint } = decodeFailure(reason);
  return new PypeError(`${message}${suffix}`, { hint });
}
