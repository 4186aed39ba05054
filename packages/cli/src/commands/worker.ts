import type { Command } from 'commander';
import { PypeError } from '@pypeline/core';
import { DEFAULT_REDIS_URL, waitForRedis, queueFromEnv, safeRedisUrl, startWorker } from '@pypeline/executor-bullmq';
import { stopOnSignals } from '../stop-on-signals.js';
import { cliTracing, describeTracing, TRACE_OPTION } from '../tracing.js';

interface WorkerCliOptions {
  redis?: string;
  queue?: string;
  concurrency: string;
  project: string;
  stallTimeout?: string;
  trace?: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run sub flows from a Redis (BullMQ) queue for coordinators started with `pype run --executor bullmq`')
    .option('--redis <url>', `Redis to take tasks from (default: PYPE_REDIS_URL, else ${DEFAULT_REDIS_URL})`)
    .option('--queue <name>', 'queue to work on (default: PYPE_QUEUE, else pype)')
    .option('--concurrency <n>', 'tasks run at once in this process', '1')
    .option('--project <dir>', 'folder whose node_modules hold the installed modules', process.cwd())
    .option('--stall-timeout <ms>', 'how long a silent worker keeps a task before another worker takes it over (default 30000)')
    .option(...TRACE_OPTION)
    .action(async (opts: WorkerCliOptions) => {
      const redis = opts.redis ?? process.env.PYPE_REDIS_URL ?? DEFAULT_REDIS_URL;
      const concurrency = positiveInt(opts.concurrency, '--concurrency');
      const stall = opts.stallTimeout === undefined ? undefined : positiveInt(opts.stallTimeout, '--stall-timeout');
      const queue = opts.queue ?? queueFromEnv();
      const tracing = await cliTracing('worker', opts.trace);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      const stop = stopOnSignals({ say: out, stopping: 'finishing running tasks, then stopping', exitNote: 'running tasks go back to the queue after the stall timeout' });
      // A worker outlasts a Redis restart: started while Redis is away, it waits for it.
      if (!(await waitForRedis(redis, out, stop.signal))) {
        stop.dispose();
        await tracing?.shutdown();
        out('✓ worker stopped before Redis answered');
        return;
      }
      const worker = startWorker({
        redis, queue, concurrency, searchDirs: [opts.project], debug: process.argv.includes('--debug'), lockDurationMs: stall, stalledIntervalMs: stall && Math.max(500, Math.floor(stall / 2)), report: out,
        observeTask: tracing && ((data) => tracing.taskSpans({ traceparent: data.traceparent, flow: data.flow, jobDir: data.task.jobDir, runId: data.task.runId })),
      });
      await worker.ready;
      out(`▶ worker ${worker.name} on queue ${queue} at ${safeRedisUrl(redis)} (concurrency ${concurrency}, modules from ${opts.project})`);
      if (tracing) out(describeTracing(tracing));
      await stop.stopped;
      await worker.close();
      await tracing?.shutdown();
      stop.dispose();
      out('✓ worker stopped');
    });
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new PypeError(`${flag} ${value}: expected a whole number ≥ 1`);
  return n;
}
