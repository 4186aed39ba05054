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
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tableFromArrays } from 'apache-arrow';
import { Queue, QueueEvents } from 'bullmq';
import { PYPELINE_VERSION, runJob } from '@pypeline/core';
import { readParquetFile, writeParquetFile } from '@pypeline/parquet';
import { BullmqExecutor } from '../bullmq-executor.js';
import { assertRedisReachable } from '../check-redis.js';
import { KEY_PREFIX } from '../queue-names.js';
import { DEFAULT_REDIS_URL, parseRedisUrl } from '../redis-url.js';
import { removeQueues } from '../remove-queues.js';
import { installNap as installNapInto, napFlow } from '../testing/fixture-project.js';
import { buildJob } from '../testing/jobs.js';
import { spawnWorkers, type WorkerProcess } from '../testing/spawn-workers.js';

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
/** A count option, or usage and exit 2 naming it. */
function count(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min) {
    process.stderr.write(`✗ --${name} ${text}: expected a whole number${min > 0 ? ` of at least ${min}` : ''}\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}
const workerCounts = values.workers!.split(',').map((w) => count('workers', w, 1));
const modules = count('modules', values.modules!, 1);
const napMs = count('ms', values.ms!, 0);
const tasks = count('tasks', values.tasks!, 1);
const redis = values.redis!;
const log = (line: string) => process.stderr.write(`${line}\n`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// What the bench started (worker processes, queues in Redis, temp folders), undone in reverse
// order when a case ends, when the bench fails, and on Ctrl-C / SIGTERM: nothing is left behind.
const cleanups: Array<() => Promise<unknown> | unknown> = [];
/** Every queue the bench used: removed once more after a stop, whatever was still running then. */
const queues = new Set<string>();
class Stopped extends Error {}
/**
 * Registers `undo`; calling the returned function runs it now (once) instead of at exit. After a
 * stop signal, `undo` runs at once and the bench's main line ends here (it starts nothing more).
 */
function started(undo: () => Promise<unknown> | unknown): () => Promise<void> {
  if (stopping) {
    const pending = Promise.resolve().then(undo).catch(() => {});
    const wait = async () => {
      cleanups.splice(cleanups.indexOf(wait), 1);
      await pending;
    };
    cleanups.push(wait);
    throw new Stopped('stopped');
  }
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    cleanups.splice(cleanups.indexOf(once), 1);
    await undo();
  };
  cleanups.push(once);
  return once;
}
async function cleanUp(): Promise<void> {
  while (cleanups.length) await Promise.resolve(cleanups[cleanups.length - 1]()).catch((e: unknown) => log(`! clean-up: ${(e as Error).message}`));
}
let stopping = false;
let mainSettled: Promise<unknown> = Promise.resolve();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping the workers and removing the bench's queues ...`);
    void (async () => {
      await cleanUp();
      // What the main line was doing when the signal came (a task being queued, a worker
      // starting) ends now that its connections are closed; then its queues go once more.
      await Promise.race([mainSettled, new Promise((r) => setTimeout(r, 30_000).unref())]);
      await cleanUp();
      for (const q of queues) await removeQueues(redis, q).catch(() => {});
    })().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

/** Workers on `queue`, stopped (and the queue removed) by the returned function or at exit. */
async function workersOn(count: number, queue: string, searchDirs: string[]): Promise<{ workers: WorkerProcess[]; stop: () => Promise<void> }> {
  queues.add(queue);
  const removeQueue = started(() => removeQueues(redis, queue));
  const workers = await spawnWorkers(count, { redis, queue, concurrency: 1, searchDirs });
  const stopWorkers = started(() => Promise.all(workers.map((w) => w.stop())));
  log(`started ${count} worker process(es) on queue ${queue}: ${workers.map((w) => w.pid).join(', ')}`);
  return { workers, stop: async () => { await stopWorkers(); await removeQueue(); } };
}

/** CPU time (user + system) a process used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

const ownCpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  started(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function fanOut(): Promise<Array<{ workers: string; wallMs: number; speedup: string }>> {
  const project = tempDir('pype-bench-');
  installNapInto(project);
  const shared = tempDir('pype-bench-shared-');
  const naps = [{ id: 'start', ms: 0 }, ...Array.from({ length: modules }, (_, i) => ({ id: `io${i}`, ms: napMs }))];
  const jobDir = buildJob(project, 'io_fanout', napFlow('io_fanout', naps, naps.slice(1).map((m) => `start (1|) ${m.id}`)), join(shared, 'jobs'));
  const rows: Array<{ workers: string; wallMs: number; speedup: string }> = [];
  const local = await runJob(jobDir, { searchDirs: [project] });
  rows.push({ workers: 'in-process (local executor)', wallMs: local.durationMs, speedup: '' });
  log(`fan-out ${modules} × ${napMs} ms, local: ${s(local.durationMs)}`);
  let base = 0;
  for (const n of workerCounts) {
    const queue = `pype-bench-${process.pid}-${n}`;
    const { stop } = await workersOn(n, queue, [project]);
    const executor = await BullmqExecutor.connect({ redis, queue });
    const close = started(() => executor.close());
    try {
      const r = await runJob(jobDir, { executor, searchDirs: ['/nonexistent'] });
      if (r.status !== 'success') throw new Error(`fan-out on ${n} workers failed: ${r.errors[0]?.message}`);
      base ||= r.durationMs;
      rows.push({ workers: `${n} worker process${n === 1 ? '' : 'es'}`, wallMs: r.durationMs, speedup: `${(base / r.durationMs).toFixed(2)}×` });
      log(`fan-out on ${n} worker(s): ${s(r.durationMs)}`);
    } finally {
      await close();
      await stop();
    }
  }
  return rows;
}

interface Overhead {
  tasks: number;
  /** Per task, wall: queue run − in-process run. */
  pypelineMs: number;
  /** Per task, CPU of coordinator + worker − the in-process run's CPU. */
  pypelineCpuMs: number | undefined;
  localMs: number;
  bareMs: number;
  /** Per job, CPU of the client + the no-op worker. */
  bareCpuMs: number | undefined;
}

async function overhead(): Promise<Overhead> {
  const project = tempDir('pype-bench-');
  installNapInto(project);
  const shared = tempDir('pype-bench-shared-');
  const naps = Array.from({ length: tasks }, (_, i) => ({ id: `t${i}`, ms: 0 }));
  const jobDir = buildJob(project, 'chain', napFlow('chain', naps, naps.slice(1).map((m, i) => `t${i} (1|) ${m.id}`)), join(shared, 'jobs'));
  await runJob(jobDir, { searchDirs: [project] }); // warm: modules imported, code compiled, as on the worker after its first task
  const cpu0 = ownCpuMs();
  const local = await runJob(jobDir, { searchDirs: [project] });
  const localCpu = ownCpuMs() - cpu0;
  const queue = `pype-bench-${process.pid}-chain`;
  const { workers: [worker], stop } = await workersOn(1, queue, [project]);
  const executor = await BullmqExecutor.connect({ redis, queue });
  const close = started(() => executor.close());
  let remote: Awaited<ReturnType<typeof runJob>>;
  let cpu: number | undefined;
  try {
    // One run to warm the worker (its first task loads the job and imports the module), then the measured one.
    await runJob(jobDir, { executor, searchDirs: ['/nonexistent'] });
    const w0 = processCpuMs(worker.pid);
    const c0 = ownCpuMs();
    remote = await runJob(jobDir, { executor, searchDirs: ['/nonexistent'] });
    const w1 = processCpuMs(worker.pid);
    if (w0 !== undefined && w1 !== undefined) cpu = ownCpuMs() - c0 + (w1 - w0);
  } finally {
    await close();
    await stop();
  }
  if (remote.status !== 'success') throw new Error(`chain failed: ${remote.errors[0]?.message}`);
  const bare = await bareRoundTrip(tasks);
  log(`chain of ${tasks}: queue ${s(remote.durationMs)}, in-process ${s(local.durationMs)}, bare BullMQ ${bare.wallMs.toFixed(2)} ms/job`);
  return {
    tasks,
    pypelineMs: (remote.durationMs - local.durationMs) / tasks,
    pypelineCpuMs: cpu === undefined ? undefined : (cpu - localCpu) / tasks,
    localMs: local.durationMs / tasks,
    bareMs: bare.wallMs,
    bareCpuMs: bare.cpuMs,
  };
}

/** Mean wall time (and CPU of both sides) of `k` sequential jobs through a worker process that does nothing. */
async function bareRoundTrip(k: number): Promise<{ wallMs: number; cpuMs: number | undefined }> {
  const queue = `pype-bench-${process.pid}-bare`;
  queues.add(queue);
  const removeQueue = started(() => removeQueues(redis, queue));
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('./bare-worker.js', import.meta.url)), redis, queue], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stopChild = started(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    void exited.then(() => reject(new Error('the bare BullMQ worker exited before it was ready')));
  });
  const connection = parseRedisUrl(redis);
  const q = new Queue(queue, { connection, prefix: KEY_PREFIX });
  // Reading from a moment ago, not `$`: a job may finish before QueueEvents' first read.
  const events = new QueueEvents(queue, { connection, prefix: KEY_PREFIX, lastEventId: `${Date.now() - 1000}-0` });
  const closeClients = started(() => Promise.all([events.close(), q.close()]));
  await events.waitUntilReady();
  for (let i = 0; i < 5; i++) await (await q.add('warm', {})).waitUntilFinished(events);
  const w0 = processCpuMs(child.pid!);
  const c0 = ownCpuMs();
  const t0 = performance.now();
  for (let i = 0; i < k; i++) await (await q.add('noop', { i })).waitUntilFinished(events);
  const wallMs = (performance.now() - t0) / k;
  const w1 = processCpuMs(child.pid!);
  const cpuMs = w0 === undefined || w1 === undefined ? undefined : (ownCpuMs() - c0 + (w1 - w0)) / k;
  await closeClients();
  await stopChild();
  await removeQueue();
  return { wallMs, cpuMs };
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

async function main(): Promise<void> {
  // Before anything starts: an unreachable Redis is one clear line, not workers waiting for it.
  await assertRedisReachable(redis);
  const fan = await fanOut();
  const cost = await overhead();
  const hop = await parquetHop();
  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(1)} ms`);
  const report = { pypeline: PYPELINE_VERSION, cpus: availableParallelism(), node: process.version, fanOut: fan, overhead: cost, parquetHopMs: hop };
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b <= 0 ? '' : `${(a / b).toFixed(2)}x`);
    const out = [
      `## Distributed (BullMQ on Redis; ${availableParallelism()} CPUs, Node ${process.version})`,
      '',
      `${modules} modules × ${napMs} ms wait, fanned out from one start module (worker concurrency 1):`,
      '',
      '| where | wall | speedup vs 1 worker |',
      '|---|---|---|',
      ...fan.map((r) => `| ${r.workers} | ${s(r.wallMs)} | ${r.speedup} |`),
      '',
      `Per-task overhead (chain of ${cost.tasks} no-op sub flows, sequential, after a warm-up run):`,
      '',
      '| | wall per task | CPU per task (both processes) |',
      '|---|---|---|',
      `| PYpeline dispatch (queue run − in-process run) | ${ms(cost.pypelineMs)} | ${ms(cost.pypelineCpuMs)} |`,
      `| bare BullMQ job round trip (no-op worker) | ${ms(cost.bareMs)} | ${ms(cost.bareCpuMs)} |`,
      `| ratio (goal ≤ 2x) | ${ratio(cost.pypelineMs, cost.bareMs)} | ${ratio(cost.pypelineCpuMs, cost.bareCpuMs)} |`,
      `| in-process sub flow (local executor) | ${ms(cost.localMs)} | |`,
      '',
      `Per-module dispatch would also move every artifact through the shared folder: a Parquet write + read of 100,000 rows takes ${hop.toFixed(0)} ms (median of 5).`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
}

try {
  const run = main();
  mainSettled = run.catch(() => {});
  await run;
} catch (err) {
  const e = err as Error & { hint?: string };
  if (!stopping) {
    log(`✗ ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`);
    process.exitCode = 1;
  }
} finally {
  if (!stopping) await cleanUp();
}
