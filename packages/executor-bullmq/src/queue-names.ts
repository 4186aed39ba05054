/** Key prefix of every BullMQ queue and lock PYpeline creates in Redis. */
export const KEY_PREFIX = 'pype';

/** The work queue workers take tasks from, unless --queue names another. */
export const DEFAULT_QUEUE = 'pype';

/** Tasks that failed for good wait here, with their context, error and attempts. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}-dlq`;
}

/** Redis key of an exclusive resource's lock. */
export function lockKey(resource: string): string {
  return `${KEY_PREFIX}:lock:${resource}`;
}

/** Where a queue name comes from when no option gives one. */
export function queueFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.PYPE_QUEUE || DEFAULT_QUEUE;
}

/** Redis pub/sub channel on which coordinators ask workers to cancel a queue's running tasks. */
export function cancelChannel(queue: string): string {
  return `${KEY_PREFIX}:${queue}:cancel`;
}

/** A cancellation request: the task's job id and why. */
export interface CancelRequest {
  jobId: string;
  reason: string;
}
