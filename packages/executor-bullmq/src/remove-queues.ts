import { Queue } from 'bullmq';
import { deadLetterQueueName, KEY_PREFIX } from './queue-names.js';
import { parseRedisUrl } from './redis-url.js';

/** Deletes a work queue and its dead letters from Redis, whatever they hold (test clean-up, decommissioning). */
export async function removeQueues(redis: string, queue: string): Promise<void> {
  for (const name of [queue, deadLetterQueueName(queue)]) {
    const q = new Queue(name, { connection: parseRedisUrl(redis), prefix: KEY_PREFIX });
    try {
      await q.obliterate({ force: true });
    } finally {
      await q.close();
    }
  }
}
