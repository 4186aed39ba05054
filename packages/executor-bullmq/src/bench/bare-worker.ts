// A BullMQ worker that does nothing: the floor for a job's round trip. `node bare-worker.js <redis> <queue>`.
import { Worker } from 'bullmq';
import { KEY_PREFIX } from '../queue-names.js';
import { parseRedisUrl } from '../redis-url.js';

const [redis, queue] = process.argv.slice(2);
const worker = new Worker(queue, async () => ({ ok: true }), { connection: parseRedisUrl(redis), prefix: KEY_PREFIX });
await worker.waitUntilReady();
process.stdout.write(`ready ${process.pid}\n`);
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
