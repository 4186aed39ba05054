// A worker process for tests and the benchmark: `node worker-entry.js '<WorkerOptions JSON>'`.
// Prints `ready <pid>` once it listens; SIGTERM closes it gracefully.
import { startWorker, type WorkerOptions } from '../task-worker.js';

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
const worker = startWorker({ ...options, report: (line) => process.stdout.write(`${line}\n`) });
await worker.ready;
process.stdout.write(`ready ${process.pid}\n`);
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
