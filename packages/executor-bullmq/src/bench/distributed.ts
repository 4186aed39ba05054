// `node dist/bench/distributed.js [--workers 1,2,4] [--modules 200] [--ms 100] [--tasks 100] [--redis URL] [--json]`
//
// 1. Wall time of a flow of N I/O-bound modules (each waits `ms`), fanned out from one start
//    module, on 1, 2 and 4 worker processes (concurrency 1 each), with the speedup; plus the
//    same flow run in-process for reference.
// 2. Per-task overhead: a chain of K no-op sub flows run through the queue, minus the same chain
//    in-process, next to a bare BullMQ job round trip (add → worker → completed event) measured
//    in the same run.
// 3. What dispatching per module would add: a Parquet write + read of a 100,000-row artifact
//    through the shared folder, once per data edge.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tableFromArrays } from 'apache-arrow';
import { Queue, QueueEvents } from 'bullmq';
import { PYPELINE_VERSION, runJob } from '@pypeline/core';
import { readParquetFile, writeParquetFile } from '@pypeline/parquet';
import { BullmqExecutor } from '../bullmq-executor.js';
import { KEY_PREFIX } from '../queue-names.js';
import { DEFAULT_REDIS_URL, parseRedisUrl } from '../redis-url.js';
import { removeQueues } from '../remove-queues.js';
import { napFlow, napProject } from '../testing/fixture-project.js';
import { buildJob } from '../testing/jobs.js';
import { spawnWorkers } from '../testing/spawn-workers.js';

const USAGE = `pnpm bench:distributed [-- options]

  --workers LIST  worker process counts for the fan-out case (default 1,2,4)
  --modules N     I/O-bound modules fanned out from one start module (default 200)
  --ms N          milliseconds each of those modules waits (default 100)
  --tasks N       no-op sub flows in the per-task overhead chain (default 100)
  --redis URL     Redis to queue on (default: PYPE_REDIS_URL, else ${DEFAULT_REDIS_URL})
  --json          print the figures as JSON instead of Markdown tables
  -h, --help      print this and exit
`;

/** The options, or usage and exit: on --help (code 0) or on a mistake (code 2, naming it). */
function readOptions() {
  try {
    return parseArgs({
      args: process.argv.slice(2).filter((a) => a !== '--'),
      options: {
        workers: { type: 'string', default: '1,2,4' },
        modules: { type: 'string', default: '200' },
        ms: { type: 'string', default: '100' },
        tasks: { type: 'string', default: '100' },
        redis: { type: 'string', default: process.env.PYPE_REDIS_URL ?? DEFAULT_REDIS_URL },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`✗ ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}
const values = readOptions();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const redis = values.redis!;
const log = (line: string) => process.stderr.write(`${line}\n`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function fanOut(): Promise<Array<{ workers: string; wallMs: number; speedup: string }>> {
  const n = Number(values.modules);
  const project = napProject('pype-bench-');
  const shared = mkdtempSync(join(tmpdir(), 'pype-bench-shared-'));
  const naps = [{ id: 'start', ms: 0 }, ...Array.from({ length: n }, (_, i) => ({ id: `io${i}`, ms: Number(values.ms) }))];
  const jobDir = buildJob(project, 'io_fanout', napFlow('io_fanout', naps, naps.slice(1).map((m) => `start (1|) ${m.id}`)), join(shared, 'jobs'));
  const rows: Array<{ workers: string; wallMs: number; speedup: string }> = [];
  const local = await runJob(jobDir, { searchDirs: [project] });
  rows.push({ workers: 'in-process (local executor)', wallMs: local.durationMs, speedup: '' });
  log(`fan-out ${n} × ${values.ms} ms, local: ${s(local.durationMs)}`);
  let base = 0;
  for (const count of values.workers!.split(',').map(Number)) {
    const queue = `pype-bench-${process.pid}-${count}`;
    const workers = await spawnWorkers(count, { redis, queue, concurrency: 1, searchDirs: [project] });
    const executor = await BullmqExecutor.connect({ redis, queue });
    try {
      const r = await runJob(jobDir, { executor, searchDirs: ['/nonexistent'] });
      if (r.status !== 'success') throw new Error(`fan-out on ${count} workers failed: ${r.errors[0]?.message}`);
      base ||= r.durationMs;
      rows.push({ workers: `${count} worker process${count === 1 ? '' : 'es'}`, wallMs: r.durationMs, speedup: `${(base / r.durationMs).toFixed(2)}×` });
      log(`fan-out on ${count} worker(s): ${s(r.durationMs)}`);
    } finally {
      await executor.close();
      await Promise.all(workers.map((w) => w.stop()));
      await removeQueues(redis, queue);
    }
  }
  rmSync(shared, { recursive: true, force: true });
  return rows;
}

async function overhead(): Promise<{ pypelineMs: number; localMs: number; bareMs: number; tasks: number }> {
  const k = Number(values.tasks);
  const project = napProject('pype-bench-');
  const shared = mkdtempSync(join(tmpdir(), 'pype-bench-shared-'));
  const naps = Array.from({ length: k }, (_, i) => ({ id: `t${i}`, ms: 0 }));
  const jobDir = buildJob(project, 'chain', napFlow('chain', naps, naps.slice(1).map((m, i) => `t${i} (1|) ${m.id}`)), join(shared, 'jobs'));
  const local = await runJob(jobDir, { searchDirs: [project] });
  const queue = `pype-bench-${process.pid}-chain`;
  const [worker] = await spawnWorkers(1, { redis, queue, concurrency: 1, searchDirs: [project] });
  const executor = await BullmqExecutor.connect({ redis, queue });
  const remote = await runJob(jobDir, { executor, searchDirs: ['/nonexistent'] });
  await executor.close();
  await worker.stop();
  await removeQueues(redis, queue);
  if (remote.status !== 'success') throw new Error(`chain failed: ${remote.errors[0]?.message}`);
  const bareMs = await bareRoundTrip(k);
  rmSync(shared, { recursive: true, force: true });
  log(`chain of ${k}: queue ${s(remote.durationMs)}, in-process ${s(local.durationMs)}, bare BullMQ ${bareMs.toFixed(2)} ms/job`);
  return { pypelineMs: (remote.durationMs - local.durationMs) / k, localMs: local.durationMs / k, bareMs, tasks: k };
}

/** Mean time of `k` sequential jobs through a worker process that does nothing. */
async function bareRoundTrip(k: number): Promise<number> {
  const queue = `pype-bench-${process.pid}-bare`;
  const child = spawn(process.execPath, [fileURLToPath(new URL('./bare-worker.js', import.meta.url)), redis, queue], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('ready') && resolve()));
  const connection = parseRedisUrl(redis);
  const q = new Queue(queue, { connection, prefix: KEY_PREFIX });
  // Reading from a moment ago, not `$`: a job may finish before QueueEvents' first read.
  const events = new QueueEvents(queue, { connection, prefix: KEY_PREFIX, lastEventId: `${Date.now() - 1000}-0` });
  await events.waitUntilReady();
  for (let i = 0; i < 5; i++) await (await q.add('warm', {})).waitUntilFinished(events);
  const t0 = performance.now();
  for (let i = 0; i < k; i++) await (await q.add('noop', { i })).waitUntilFinished(events);
  const mean = (performance.now() - t0) / k;
  await events.close();
  await q.close();
  child.kill('SIGTERM');
  await removeQueues(redis, queue);
  return mean;
}

async function parquetHop(): Promise<number> {
  const n = 100_000;
  const table = tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => i), amount: Float64Array.from({ length: n }, (_, i) => i * 1.5), name: Array.from({ length: n }, (_, i) => `customer ${i}`) });
  const dir = mkdtempSync(join(tmpdir(), 'pype-bench-hop-'));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await writeParquetFile(join(dir, `a${i}.parquet`), table, { compression: 'snappy' });
    await readParquetFile(join(dir, `a${i}.parquet`));
    times.push(performance.now() - t0);
  }
  rmSync(dir, { recursive: true, force: true });
  return times.sort((a, b) => a - b)[2];
}

const fan = await fanOut();
const cost = await overhead();
const hop = await parquetHop();
const report = { pypeline: PYPELINE_VERSION, cpus: availableParallelism(), node: process.version, fanOut: fan, overhead: cost, parquetHopMs: hop };
if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const out = [
    `## Distributed (BullMQ on Redis; ${availableParallelism()} CPUs, Node ${process.version})`,
    '',
    `${values.modules} modules × ${values.ms} ms wait, fanned out from one start module (worker concurrency 1):`,
    '',
    '| where | wall | speedup vs 1 worker |',
    '|---|---|---|',
    ...fan.map((r) => `| ${r.workers} | ${s(r.wallMs)} | ${r.speedup} |`),
    '',
    `Per-task overhead (chain of ${cost.tasks} no-op sub flows, sequential):`,
    '',
    '| | per task |',
    '|---|---|',
    `| PYpeline dispatch (queue run − in-process run) | ${cost.pypelineMs.toFixed(1)} ms |`,
    `| bare BullMQ job round trip (no-op worker) | ${cost.bareMs.toFixed(1)} ms |`,
    `| in-process sub flow (local executor) | ${cost.localMs.toFixed(1)} ms |`,
    '',
    `Per-module dispatch would also move every artifact through the shared folder: a Parquet write + read of 100,000 rows takes ${hop.toFixed(0)} ms (median of 5).`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
