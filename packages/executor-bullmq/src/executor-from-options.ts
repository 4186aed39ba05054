import { PypeError } from '@pypeline/core';
import { BullmqExecutor } from './bullmq-executor.js';
import { queueFromEnv } from './queue-names.js';
import { DEFAULT_REDIS_URL } from './redis-url.js';

export interface ExecutorChoice {
  /** `local` (default: sub flows run in this process) or `bullmq`. */
  executor?: string;
  /** Redis URL for `bullmq`; default PYPE_REDIS_URL, else redis://127.0.0.1:6379. */
  redis?: string;
  /** Work queue for `bullmq`; default PYPE_QUEUE, else `pype`. */
  queue?: string;
  /** How long a run waits for Redis to return before it stops (ms); default 5 min. */
  outageLimitMs?: number;
  /** Where the limit came from, for the give-up message (e.g. `--redis-outage-limit 2m`). */
  outageLimitSource?: string;
  /** Redis connection errors with their stacks. */
  debug?: boolean;
  /** The W3C traceparent a run's tasks carry to their workers (see BullmqExecutorOptions). */
  traceparent?: (runId: string) => string | undefined;
}

/** The executor `--executor` names: undefined for local runs, a connected BullMQ executor otherwise. */
export async function executorFromOptions(choice: ExecutorChoice, env: NodeJS.ProcessEnv = process.env): Promise<BullmqExecutor | undefined> {
  const kind = choice.executor ?? 'local';
  if (kind === 'local') {
    if (choice.redis) throw new PypeError('--redis only applies to --executor bullmq', { hint: 'add --executor bullmq to run sub flows on workers' });
    return undefined;
  }
  if (kind !== 'bullmq') throw new PypeError(`unknown executor "${kind}"`, { hint: 'use --executor local (the default) or --executor bullmq' });
  return BullmqExecutor.connect({
    redis: choice.redis ?? env.PYPE_REDIS_URL ?? DEFAULT_REDIS_URL, queue: choice.queue ?? queueFromEnv(env),
    outageLimitMs: choice.outageLimitMs, outageLimitSource: choice.outageLimitSource, debug: choice.debug, traceparent: choice.traceparent,
  });
}
