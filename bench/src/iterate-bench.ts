import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureNode, type Measured } from './measure.js';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

export interface IterateFigure {
  where: 'local' | 'workers';
  parallel: number;
  runs: Measured[];
}

/** `files` CSV files of `rows` rows each, in `dir` (deterministic). */
function writeFiles(dir: string, files: number, rows: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    const lines = Array.from({ length: rows }, (_, i) => `${f * rows + i},customer ${(i * 7) % 97},${((i * 13) % 1000) / 10},2024-01-${String(1 + (i % 28)).padStart(2, '0')}`);
    writeFileSync(join(dir, `orders_${String(f).padStart(3, '0')}.csv`), `order_id,customer,amount,ordered_on\n${lines.join('\n')}\n`);
  }
}

/** file_list → (iterate parallel N|) csv_source → parquet_sink, one Parquet file per CSV file. */
function flowYaml(data: string, out: string, parallel: number): string {
  return `flow:
  name: bench_iterate
modules:
  - { id: files, name: file_list, configs: { required: { directory: "${data}" }, optional: { pattern: "*.csv", sort: name } } }
  - { id: read, name: csv_source, configs: { required: { file_path: "{{iter.item.path}}" } } }
  - { id: write, name: parquet_sink, configs: { required: { output_path: "${out}/{{iter.item.name}}.parquet" } } }
connections:
  data:
    - "read.data - write.input"
  control:
    - "files (iterate${parallel > 1 ? ` parallel ${parallel}` : ''}|) read"
`;
}

/** Starts `count` `pype worker` processes (concurrency 1) on `queue`; resolves when all listen. */
async function startWorkers(count: number, redis: string, queue: string, cwd: string): Promise<ChildProcess[]> {
  const workers: ChildProcess[] = [];
  await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
    const w = spawn(process.execPath, [CLI, 'worker', '--redis', redis, '--concurrency', '1'], { cwd, env: { ...process.env, PYPE_QUEUE: queue, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    workers.push(w);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`a worker did not start in 60 s:\n${out}`)), 60_000);
    w.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('▶ worker')) {
        clearTimeout(timer);
        resolve();
      }
    });
    w.stderr!.on('data', (d) => (out += d));
    w.on('exit', (code) => reject(new Error(`a worker exited with ${code}:\n${out}`)));
  })));
  return workers;
}

/**
 * The parallel-iteration case: a folder of `files` CSV files loaded into one Parquet file each,
 * with `(iterate|)` and `(iterate parallel N|)`, in this process and on `workers` bullmq workers
 * (skipped with a reason when Redis is down). Each run is a `pype run` process, wall time from
 * spawn to exit.
 */
export async function iterateBench(opts: { dir: string; files: number; rows: number; parallel: number; runs: number; workers: number; redis: string; log: (msg: string) => void }): Promise<{ figures: IterateFigure[]; skipped?: string }> {
  const data = join(opts.dir, 'iterate-data');
  const out = join(opts.dir, 'iterate-out');
  writeFiles(data, opts.files, opts.rows);
  const figures: IterateFigure[] = [];
  const measure = async (where: IterateFigure['where'], parallel: number, extra: string[], env: Record<string, string> = {}) => {
    const flow = join(opts.dir, `bench_iterate_${parallel}.yaml`);
    writeFileSync(flow, flowYaml(data, out, parallel));
    const runs: Measured[] = [];
    for (let i = 0; i < opts.runs; i++) {
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      const m = await measureNode([CLI, 'run', flow, ...extra], { cwd: opts.dir, tmp: opts.dir, env });
      opts.log(`iterate / ${where} parallel ${parallel} run ${i + 1}/${opts.runs}: ${(m.wallMs / 1000).toFixed(2)} s`);
      runs.push(m);
    }
    figures.push({ where, parallel, runs });
  };
  for (const p of [1, opts.parallel]) await measure('local', p, []);
  let skipped: string | undefined;
  const queue = `pype_bench_iterate_${process.pid}`;
  let workers: ChildProcess[] = [];
  try {
    workers = await startWorkers(opts.workers, opts.redis, queue, opts.dir);
    for (const p of [1, opts.parallel]) await measure('workers', p, ['--executor', 'bullmq', '--redis', opts.redis], { PYPE_QUEUE: queue });
  } catch (e) {
    skipped = `on ${opts.workers} workers skipped: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once('exit', r)) : undefined)));
    const { removeQueues } = await import('@pypeline/executor-bullmq');
    await removeQueues(opts.redis, queue).catch(() => {});
    rmSync(data, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
  return { figures, skipped };
}
