import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchFlowYaml } from './flow-yaml.js';
import { generateCsv, type CsvVariant } from './generate-csv.js';
import { measureNode, type Measured } from './measure.js';
import { profileStages } from './profile-stages.js';
import { iterateBench } from './iterate-bench.js';
import { RELATIONAL_CASES, relationalBench } from './relational-bench.js';
import { sortBench } from './sort-bench.js';
import { startupBench } from './startup-bench.js';
import { brokerBench, type BrokerFigure } from './broker-bench.js';
import { streamBench, type StreamFigure } from './stream-bench.js';
import { natsLatency } from './stream-latency.js';

const BENCH = fileURLToPath(new URL('../', import.meta.url));
const ROOT = join(BENCH, '..');
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const JOBS = fileURLToPath(new URL('./jobs/', import.meta.url));

const HELP = `pnpm bench [-- options]

  --rows N        rows in the generated CSV (default 5000000; ~47 bytes a row)
  --large         50000000 rows (overrides --rows; the out-of-core size; 2.4 GB per dataset, pair it with --runs 1)
  --data LIST     datasets of the CSV → Parquet case: plain,realistic (default both): the bench's own
                  data (1 % of names quoted), and a realistic variant (most text quoted, with escaped
                  "" quotes, delimiters and line breaks inside, multi-byte UTF-8, empty fields)
  --runs N        measured runs per tool; the median is reported (default 3)
  --tools LIST    comma-separated: pypeline,duckdb,baseline (default all three)
  --threads N     worker threads for PYpeline (default: CPU count)
  --no-profile    skip the per-stage profile of PYpeline
  --keep          keep the generated CSV in bench/data (it is reused when kept)
  --memory-budget SIZE  settings.spill.memory_budget of the sort and relational cases' flows, e.g. 64MB (default: the run's default)
  --suite LIST    batch,stream,sort,groupby,join,distinct,iterate,startup,distributed (default batch,stream):
                  CSV→Parquet, the streaming cases, the relational cases against DuckDB in the same
                  run: the CSV sorted by amount desc, id (sort_mod vs ORDER BY); grouped by name,
                  created with count, sum, avg, max (aggregate_mod vs GROUP BY); joined on id with a
                  second CSV of min(rows, 5 M) rows (join_mod vs JOIN); the first row of each name,
                  created (distinct_mod vs DISTINCT ON); "relational" = those four; parallel
                  iteration: 40 CSV files → Parquet with (iterate|) vs (iterate parallel 4|), locally
                  and on 4 bullmq workers (Redis at PYPE_REDIS_URL, else 127.0.0.1:6379); and pype's
                  start-up (--version, --help, a trivial YAML and TypeScript flow) beside
                  \`node -e 0\` (at least 5 runs each, whatever --runs says)
  --stream-events N   events per streaming throughput case (default 2000000, batches of 8192)
  --latency-events N  events through NATS for the latency case (default 20000, at 5000/s)
  --nats URL      NATS server for the latency and broker cases (default 127.0.0.1:4222; skipped when down)
  --broker-events N   events per broker case (default 200000): Redis Streams, NATS JetStream and MQTT
                  stream apps against a plain client loop doing the same work (events per CPU-second,
                  after a warm-up round of every case that is printed and not counted)
  --brokers LIST  redis,nats,mqtt (default all three; "none" skips the broker cases)
  --redis URL     Redis for the broker cases (default PYPE_REDIS_URL, else redis://127.0.0.1:6379)
  --mqtt URL      MQTT broker for the broker cases (default mqtt://127.0.0.1:1883)
  --suite distributed   the distributed bench (packages/executor-bullmq/dist/bench/distributed.js,
                  also \`pnpm bench:distributed\`) --runs times on the Redis of --redis: fan-out of
                  --dist-modules (default 200) × 100 ms tasks on 1, 2 and 4 worker processes, and the
                  dispatch cost per sub flow over a chain of --dist-tasks (default 100) beside a bare
                  BullMQ round trip; medians, with both goals (4 workers ≥ 3.5x 1; dispatch ≤ 2x)
`;

interface Result {
  tool: string;
  runs: Measured[];
  output: string;
}

async function main(): Promise<void> {
  // `pnpm bench -- --rows N` may pass the `--` through.
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      rows: { type: 'string', default: '5000000' },
      large: { type: 'boolean', default: false },
      data: { type: 'string', default: 'plain,realistic' },
      runs: { type: 'string', default: '3' },
      tools: { type: 'string', default: 'pypeline,duckdb,baseline' },
      threads: { type: 'string', default: String(cpus().length) },
      'no-profile': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      suite: { type: 'string', default: 'batch,stream' },
      'memory-budget': { type: 'string' },
      'stream-events': { type: 'string', default: '2000000' },
      'latency-events': { type: 'string', default: '20000' },
      nats: { type: 'string', default: '127.0.0.1:4222' },
      'broker-events': { type: 'string', default: '200000' },
      brokers: { type: 'string', default: 'redis,nats,mqtt' },
      redis: { type: 'string', default: process.env.PYPE_REDIS_URL ?? 'redis://127.0.0.1:6379' },
      mqtt: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      'dist-modules': { type: 'string', default: '200' },
      'dist-tasks': { type: 'string', default: '100' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  if (values.large) values.rows = '50000000';
  const suites = values.suite!.split(',').flatMap((s) => (s === 'relational' ? ['sort', 'groupby', 'join', 'distinct'] : [s]));
  if (suites.includes('batch')) await batchSuite(values);
  if (suites.includes('sort')) await sortSuite(values);
  for (const name of ['groupby', 'join', 'distinct'] as const) if (suites.includes(name)) await relationalSuite(name, values);
  if (suites.includes('iterate')) await iterateSuite(Number(values.runs));
  if (suites.includes('startup')) startupSuite(Math.max(5, Number(values.runs)));
  if (suites.includes('distributed')) distributedSuite(Number(values.runs), values.redis!, values['dist-modules']!, values['dist-tasks']!);
  if (suites.includes('stream')) await streamSuite(Number(values['stream-events']), Number(values.runs), Number(values['latency-events']), values.nats!);
  if (suites.includes('stream') && values.brokers !== 'none') {
    await brokerSuite(Number(values['broker-events']), Number(values.runs), { redis: values.redis!, nats: values.nats!, mqtt: values.mqtt! }, values.brokers!.split(','));
  }
}

async function streamSuite(events: number, runs: number, latencyEvents: number, nats: string): Promise<void> {
  log(`streaming: ${events} events per case, ${runs} runs each ...`);
  const all: StreamFigure[][] = [];
  for (let i = 0; i < runs; i++) {
    const figs = await streamBench(events, 8192);
    for (const f of figs) log(`  ${f.case} / ${f.tool} run ${i + 1}/${runs}: ${(f.wallMs / 1000).toFixed(2)} s wall, ${(f.cpuMs / 1000).toFixed(2)} s CPU`);
    all.push(figs);
  }
  const goals: Record<string, number> = { 'map/filter': 1e6, 'key_by + tumbling count': 3e5 };
  const rowsOf = all[0].map((f, i) => {
    const wall = median(all.map((r) => r[i].wallMs));
    const cpu = median(all.map((r) => r[i].cpuMs));
    return { f, wall, cpu, perCore: (f.events / cpu) * 1000 };
  });
  const table = rowsOf.map(({ f, wall, cpu, perCore }) => {
    const peer = rowsOf.find((r) => r.f.case === f.case && r.f.tool !== 'pypeline');
    return {
      case: f.case,
      tool: f.tool,
      'wall (median)': `${(wall / 1000).toFixed(2)} s`,
      'CPU (median)': `${(cpu / 1000).toFixed(2)} s`,
      'events/s per core': `${(perCore / 1e6).toFixed(2)} M`,
      goal: f.tool === 'pypeline' ? `${(goals[f.case] / 1e6).toFixed(1)} M ${perCore >= goals[f.case] ? '✓' : '✗'}` : '-',
      'vs plain JS': f.tool === 'pypeline' && peer ? `${(perCore / peer.perCore).toFixed(2)}x` : '-',
      'rows out': f.outRows,
    };
  });
  process.stdout.write(`\nstreaming throughput, in-memory source of record batches, ${events} events, ${runs} runs each (events/s per core = events / CPU seconds)\n`);
  console.table(table);
  let latency: Awaited<ReturnType<typeof natsLatency>> | string;
  try {
    latency = await natsLatency(nats, latencyEvents, 5000);
    process.stdout.write(`\nend-to-end latency through NATS JetStream (${nats}), ${latencyEvents} events at 5000/s, publish → sink\n`);
    console.table(latency.map((l) => ({ tool: l.tool, received: l.events, p50: `${l.p50} ms`, p99: `${l.p99} ms`, max: `${l.max} ms` })));
  } catch (e) {
    latency = `skipped: ${(e as Error).message}`;
    process.stdout.write(`\nNATS latency case ${latency} (start nats-server -js, or pass --nats)\n`);
  }
  mkdirSync(join(BENCH, 'out'), { recursive: true });
  writeFileSync(join(BENCH, 'out', 'last-stream-run.json'), JSON.stringify({ events, runs, table, latency }, null, 2));
}

/** The broker cases, `runs` times; medians of CPU time, and events per CPU-second beside the plain client's. */
async function brokerSuite(events: number, runs: number, targets: { redis: string; nats: string; mqtt: string }, brokers: string[]): Promise<void> {
  log(`brokers: ${events} events per case, a warm-up round, then ${runs} runs each ...`);
  // A stream app runs for hours: the figure is its throughput once V8 has compiled the hot code
  // and settled its heap, for both tools. In a cold process both spend about 1 M events getting
  // there (the first 200,000 cost up to 3x the CPU of later ones); the warm-up round's figures are
  // printed, not counted.
  log('  warm-up round (not counted):');
  await brokerBench(targets, events, (line) => log(`  ${line}`), brokers);
  const all: BrokerFigure[][] = [];
  let skipped: string[] = [];
  for (let i = 0; i < runs; i++) {
    const got = await brokerBench(targets, events, log, brokers);
    all.push(got.figures);
    skipped = got.skipped;
  }
  const keyOf = (f: BrokerFigure) => `${f.broker}|${f.case}|${f.tool}`;
  const rows = [...new Map(all.flat().map((f) => [keyOf(f), f])).values()].map((f) => {
    const same = all.flat().filter((g) => keyOf(g) === keyOf(f));
    const cpu = median(same.map((g) => g.cpuMs));
    const perCpuS = median(same.map((g) => (g.events / g.cpuMs) * 1000));
    return { f, cpu, wall: median(same.map((g) => g.wallMs)), perCpuS, events: median(same.map((g) => g.events)) };
  });
  const table = rows.map(({ f, cpu, wall, perCpuS, events: n }) => {
    const peer = rows.find((r) => r.f.broker === f.broker && r.f.case === f.case && r.f.tool !== f.tool);
    const ratio = f.tool === 'pypeline' && peer ? perCpuS / peer.perCpuS : undefined;
    return {
      broker: f.broker,
      case: f.case,
      tool: f.tool,
      events: n,
      'CPU (median)': `${(cpu / 1000).toFixed(2)} s`,
      'wall (median)': `${(wall / 1000).toFixed(2)} s`,
      'events per CPU-s': `${(perCpuS / 1000).toFixed(0)} k`,
      'vs plain client': ratio === undefined ? '-' : `${ratio.toFixed(2)}x ${ratio >= 0.8 ? '✓' : '✗'} (goal 0.8x)`,
      'rows out': f.outRows,
    };
  });
  process.stdout.write(`\nbrokers: a stream app vs a plain client loop with the same library doing the same work, ${events} events, ${runs} runs each after a warm-up round, medians (events per CPU-second of this process)\n`);
  console.table(table);
  for (const s of skipped) process.stdout.write(`skipped: ${s}\n`);
  mkdirSync(join(BENCH, 'out'), { recursive: true });
  writeFileSync(join(BENCH, 'out', 'last-broker-run.json'), JSON.stringify({ events, runs, table, skipped }, null, 2));
}

async function iterateSuite(runs: number): Promise<void> {
  const files = 40;
  const rows = 50_000;
  const parallel = 4;
  const workers = 4;
  const dir = join(BENCH, 'out');
  mkdirSync(dir, { recursive: true });
  log(`iterate: ${files} CSV files of ${rows} rows, parallel 1 vs ${parallel}, ${runs} runs each ...`);
  const { figures, skipped } = await iterateBench({ dir, files, rows, parallel, runs, workers, redis: process.env.PYPE_REDIS_URL ?? 'redis://127.0.0.1:6379', log });
  const wallOf = (f: (typeof figures)[number]) => median(f.runs.map((m) => m.wallMs));
  const table = figures.map((f) => {
    const one = figures.find((g) => g.where === f.where && g.parallel === 1);
    return {
      where: f.where === 'local' ? 'this process' : `${workers} workers`,
      iterate: f.parallel === 1 ? '(iterate|)' : `(iterate parallel ${f.parallel}|)`,
      'wall (median)': `${(wallOf(f) / 1000).toFixed(2)} s`,
      'speed-up vs parallel 1': one ? `${(wallOf(one) / wallOf(f)).toFixed(2)}x` : '-',
    };
  });
  process.stdout.write(`\nparallel iteration: ${files} CSV files × ${rows} rows → one Parquet file each, ${runs} runs each, ${cpus().length} CPUs\n`);
  console.table(table);
  if (skipped) process.stdout.write(`${skipped}\n`);
  writeFileSync(join(dir, 'last-iterate-run.json'), JSON.stringify({ files, rows, runs, table, skipped }, null, 2));
}

interface DistributedReport {
  fanOut: Array<{ workers: string; wallMs: number; speedup: string }>;
  overhead: { tasks: number; pypelineMs: number; pypelineCpuMs?: number; bareMs: number; bareCpuMs?: number; localMs: number };
}

/** The distributed bench `runs` times (each its own process, `--json`); medians of each figure and of the ratios. */
function distributedSuite(runs: number, redis: string, modules: string, tasks: string): void {
  const script = join(ROOT, 'packages/executor-bullmq/dist/bench/distributed.js');
  const reports: DistributedReport[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [script, '--json', '--redis', redis, '--modules', modules, '--tasks', tasks], { encoding: 'utf8', timeout: 1_800_000 });
    if (r.status !== 0) {
      process.stdout.write(`\ndistributed bench skipped: ${(r.stderr || r.stdout).trim().split('\n')[0]}\n`);
      return;
    }
    reports.push(JSON.parse(r.stdout) as DistributedReport);
    const last = reports[reports.length - 1];
    const one = last.fanOut.find((f) => f.workers.startsWith('1 '));
    const four = last.fanOut.find((f) => f.workers.startsWith('4 '));
    log(`distributed run ${i + 1}/${runs}: 1 worker ${((one?.wallMs ?? NaN) / 1000).toFixed(2)} s, 4 workers ${((four?.wallMs ?? NaN) / 1000).toFixed(2)} s, dispatch ${last.overhead.pypelineMs.toFixed(1)} ms vs bare ${last.overhead.bareMs.toFixed(1)} ms per task (load average ${loadavg()[0].toFixed(1)})`);
  }
  const fan = reports[0].fanOut.map((f, i) => ({ workers: f.workers, wall: median(reports.map((r) => r.fanOut[i].wallMs)) }));
  const base = fan.find((f) => f.workers.startsWith('1 '))?.wall;
  const speedups = reports.map((r) => {
    const one = r.fanOut.find((f) => f.workers.startsWith('1 '));
    const four = r.fanOut.find((f) => f.workers.startsWith('4 '));
    return one && four ? one.wallMs / four.wallMs : NaN;
  });
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b <= 0 ? NaN : a / b);
  const wallRatio = median(reports.map((r) => ratio(r.overhead.pypelineMs, r.overhead.bareMs)));
  const cpuRatio = median(reports.map((r) => ratio(r.overhead.pypelineCpuMs, r.overhead.bareCpuMs)));
  process.stdout.write(`\ndistributed: ${modules} modules × 100 ms fanned out (worker concurrency 1), ${runs} runs, medians (load average ${loadavg()[0].toFixed(1)} at the end)\n`);
  console.table(fan.map((f) => ({ where: f.workers, 'wall (median)': `${(f.wall / 1000).toFixed(2)} s`, 'speedup vs 1 worker': base && !f.workers.startsWith('in-process') ? `${(base / f.wall).toFixed(2)}x` : '-' })));
  const med4 = median(speedups);
  process.stdout.write(`4 workers vs 1, median of the runs' ratios: ${med4.toFixed(2)}x ${med4 >= 3.5 ? '✓' : '✗'} (goal ≥ 3.5x)\n`);
  const m = (f: (r: DistributedReport) => number | undefined) => {
    const xs = reports.map(f).filter((x): x is number => x !== undefined);
    return xs.length ? `${median(xs).toFixed(1)} ms` : 'n/a';
  };
  process.stdout.write(`\ndispatch cost per sub flow, chain of ${tasks} no-op sub flows, beside a bare BullMQ job round trip in the same run\n`);
  console.table([
    { what: 'PYpeline dispatch (queue run − in-process run)', 'wall per task': m((r) => r.overhead.pypelineMs), 'CPU per task': m((r) => r.overhead.pypelineCpuMs) },
    { what: 'bare BullMQ round trip', 'wall per task': m((r) => r.overhead.bareMs), 'CPU per task': m((r) => r.overhead.bareCpuMs) },
    { what: 'ratio, median of the runs (goal ≤ 2x)', 'wall per task': `${wallRatio.toFixed(2)}x ${wallRatio <= 2 ? '✓' : '✗'}`, 'CPU per task': `${cpuRatio.toFixed(2)}x ${cpuRatio <= 2 ? '✓' : '✗'}` },
  ]);
  mkdirSync(join(BENCH, 'out'), { recursive: true });
  writeFileSync(join(BENCH, 'out', 'last-distributed-run.json'), JSON.stringify({ runs, modules, tasks, reports }, null, 2));
}

function startupSuite(runs: number): void {
  const outDir = join(BENCH, 'out');
  const figures = startupBench(ROOT, outDir, runs, log);
  const node = median(figures[0].runs);
  const table = figures.map((f) => {
    const wall = median(f.runs);
    return {
      case: f.case,
      'wall (median)': `${(wall / 1000).toFixed(3)} s`,
      'min … max': `${(Math.min(...f.runs) / 1000).toFixed(3)} … ${(Math.max(...f.runs) / 1000).toFixed(3)} s`,
      'vs node -e 0': f.goalS === undefined ? '-' : `${(wall / node).toFixed(1)}x`,
      goal: f.goalS === undefined ? '-' : `≤ ${f.goalS} s ${wall <= f.goalS * 1000 ? '✓' : '✗'}`,
    };
  });
  process.stdout.write(`\nstart-up, wall time spawn to exit, median of ${runs} runs each after a warm-up round, cases in turn; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
  console.table(table);
  writeFileSync(join(outDir, 'last-startup-run.json'), JSON.stringify({ runs, node: process.version, table, figures }, null, 2));
}

async function sortSuite(values: Record<string, string | boolean | undefined>): Promise<void> {
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  const outDir = join(BENCH, 'out');
  mkdirSync(outDir, { recursive: true });
  log(`sort: generating ${rows} rows (deterministic; reused when present) ...`);
  const csv = await generateCsv(join(BENCH, 'data'), rows);
  const figures = await sortBench(csv.path, outDir, runs, Number(values.threads), (values.tools as string).split(','), log, values['memory-budget'] as string | undefined);
  const duck = figures.find((f) => f.tool === 'duckdb');
  const wallOf = (f: (typeof figures)[number]) => median(f.runs.map((m) => m.wallMs));
  const table = figures.map((f) => ({
    tool: f.tool,
    'wall (median)': `${(wallOf(f) / 1000).toFixed(2)} s`,
    // CPU time (user + system, every thread) is steadier than wall time on a shared machine.
    'CPU (median)': `${(median(f.runs.map((m) => m.cpuMs)) / 1000).toFixed(2)} s`,
    'rows/s': `${((rows / wallOf(f)) * 1000 / 1e6).toFixed(2)} M`,
    'peak RSS': `${(Math.max(...f.runs.map((m) => m.peakRss)) / 2 ** 20).toFixed(0)} MiB`,
    'vs DuckDB': duck ? `${(wallOf(f) / wallOf(duck)).toFixed(2)}x` : '-',
    'rows out': f.fingerprint.rows,
    'out of order': f.order.out_of_order,
  }));
  process.stdout.write(`\nsort: ${rows} rows, ${(csv.bytes / 1e6).toFixed(0)} MB CSV sorted by amount desc, id into Parquet, ${runs} runs each, sort_mod memory budget ${values['memory-budget'] ?? 'default'}\n`);
  console.table(table);
  const same = figures.every((f) => f.order.out_of_order === 0 && JSON.stringify(f.fingerprint) === JSON.stringify(figures[0].fingerprint) && f.order.positions === figures[0].order.positions);
  process.stdout.write(same ? `✓ sort outputs hold the same rows in the same order: ${JSON.stringify(figures[0]?.fingerprint)}\n` : `✗ sort outputs differ:\n${figures.map((f) => `  ${f.tool}: ${JSON.stringify(f.fingerprint)} ${JSON.stringify(f.order)}`).join('\n')}\n`);
  writeFileSync(join(outDir, 'last-sort-run.json'), JSON.stringify({ rows, runs, table, figures: figures.map((f) => ({ ...f, runs: f.runs.map(({ wallMs, peakRss, cpuMs }) => ({ wallMs, peakRss, cpuMs })) })) }, null, 2));
  if (!values.keep) rmSync(csv.path, { force: true });
  if (!same) process.exitCode = 1;
}

async function relationalSuite(name: keyof typeof RELATIONAL_CASES, values: Record<string, string | boolean | undefined>): Promise<void> {
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  const outDir = join(BENCH, 'out');
  mkdirSync(outDir, { recursive: true });
  log(`${name}: generating ${rows} rows (deterministic; reused when present) ...`);
  const csv = await generateCsv(join(BENCH, 'data'), rows);
  const right = name === 'join' ? await generateCsv(join(BENCH, 'data'), Math.min(rows, 5_000_000), 7) : undefined;
  const figures = await relationalBench(name, csv.path, right?.path, outDir, runs, Number(values.threads), (values.tools as string).split(','), log, values['memory-budget'] as string | undefined);
  const duck = figures.find((f) => f.tool === 'duckdb');
  const wallOf = (f: (typeof figures)[number]) => median(f.runs.map((m) => m.wallMs));
  const peakOf = (f: (typeof figures)[number]) => median(f.runs.map((m) => m.peakRss));
  const cpuOf = (f: (typeof figures)[number]) => median(f.runs.map((m) => m.cpuMs));
  const table = figures.map((f) => ({
    tool: f.tool,
    'wall (median)': `${(wallOf(f) / 1000).toFixed(2)} s`,
    runs: f.runs.map((m) => (m.wallMs / 1000).toFixed(2)).join(', '),
    // CPU time (user + system, every thread) is steadier than wall time on a shared machine.
    'CPU (median)': `${(cpuOf(f) / 1000).toFixed(2)} s`,
    'CPU vs DuckDB': duck ? `${(cpuOf(f) / cpuOf(duck)).toFixed(2)}x` : '-',
    'peak RSS (median)': `${(peakOf(f) / 2 ** 20).toFixed(0)} MiB`,
    'vs DuckDB': duck ? `${(wallOf(f) / wallOf(duck)).toFixed(2)}x` : '-',
    'RSS vs DuckDB': duck ? `${(peakOf(f) / peakOf(duck)).toFixed(2)}x` : '-',
    'rows out': f.fingerprint.rows,
  }));
  const against = right ? ` joined with ${right.path.split('/').pop()} (${(right.bytes / 1e6).toFixed(0)} MB)` : '';
  process.stdout.write(`\n${name}: ${rows} rows, ${(csv.bytes / 1e6).toFixed(0)} MB CSV${against} into Parquet, ${runs} runs each, memory budget ${values['memory-budget'] ?? 'default'} (load average ${loadavg()[0].toFixed(1)} at the end)\n`);
  console.table(table);
  const same = figures.every((f) => JSON.stringify(f.fingerprint) === JSON.stringify(figures[0].fingerprint));
  process.stdout.write(same ? `✓ ${name} outputs hold the same rows: ${JSON.stringify(figures[0]?.fingerprint)}\n` : `✗ ${name} outputs differ:\n${figures.map((f) => `  ${f.tool}: ${JSON.stringify(f.fingerprint)}`).join('\n')}\n`);
  writeFileSync(join(outDir, `last-${name}-run.json`), JSON.stringify({ rows, runs, memoryBudget: values['memory-budget'] ?? null, table, figures: figures.map((f) => ({ ...f, runs: f.runs.map(({ wallMs, peakRss, cpuMs }) => ({ wallMs, peakRss, cpuMs })) })) }, null, 2));
  if (!values.keep) {
    rmSync(csv.path, { force: true });
    if (right) rmSync(right.path, { force: true });
  }
  if (!same) process.exitCode = 1;
}

interface BatchFigures {
  variant: CsvVariant;
  mb: number;
  results: Result[];
  fingerprints: Record<string, unknown>[];
}

async function batchSuite(values: Record<string, string | boolean | undefined>): Promise<void> {
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  const variants = (values.data as string).split(',') as CsvVariant[];
  const bad = variants.filter((v) => v !== 'plain' && v !== 'realistic');
  if (bad.length) throw new Error(`--data ${bad.join(',')}: use plain, realistic or both (plain,realistic)`);
  const all: BatchFigures[] = [];
  for (const variant of variants) all.push(await batchCase(values, variant));
  const summary = all.flatMap(({ variant, mb, results }) => {
    const duck = results.find((r) => r.tool === 'duckdb');
    const duckWall = duck ? median(duck.runs.map((m) => m.wallMs)) : NaN;
    const duckCpu = duck ? median(duck.runs.map((m) => m.cpuMs)) : NaN;
    return results.map((r) => {
      const walls = r.runs.map((m) => m.wallMs);
      const wall = median(walls);
      const cpu = median(r.runs.map((m) => m.cpuMs));
      return {
        data: `${variant} (${mb.toFixed(0)} MB)`,
        tool: r.tool,
        'wall (median)': `${(wall / 1000).toFixed(2)} s`,
        runs: walls.map((w) => (w / 1000).toFixed(2)).join(' '),
        'CPU (median)': `${(cpu / 1000).toFixed(2)} s`,
        'peak RSS': `${(Math.max(...r.runs.map((m) => m.peakRss)) / 2 ** 20).toFixed(0)} MiB`,
        'vs DuckDB': duck ? `${(wall / duckWall).toFixed(2)}x` : '-',
        'CPU vs DuckDB': duck ? `${(cpu / duckCpu).toFixed(2)}x` : '-',
      };
    });
  });
  process.stdout.write(`\nCSV → age > 18 → Parquet, ${rows} rows, ${runs} runs each, ${variants.join(' and ')} data (load average ${loadavg()[0].toFixed(1)} at the end)\n`);
  console.table(summary);
  const ok = all.every((f) => f.fingerprints.every((x) => JSON.stringify(x) === JSON.stringify(f.fingerprints[0])));
  writeFileSync(join(BENCH, 'out', 'last-run.json'), JSON.stringify({ rows, runs, summary, datasets: all.map(({ variant, mb, fingerprints }) => ({ variant, mb, fingerprints })) }, null, 2));
  if (!ok) process.exitCode = 1;
}

async function batchCase(values: Record<string, string | boolean | undefined>, variant: CsvVariant): Promise<BatchFigures> {
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  const threads = Number(values.threads);
  const tools = (values.tools as string).split(',');
  const dataDir = join(BENCH, 'data');
  const outDir = join(BENCH, 'out');
  mkdirSync(outDir, { recursive: true });

  log(`${variant}: generating ${rows} rows (deterministic; reused when present) ...`);
  const csv = await generateCsv(dataDir, rows, 42, variant);
  const mb = csv.bytes / 1e6;
  log(`${csv.path}: ${mb.toFixed(1)} MB`);

  const results: Result[] = [];
  for (const tool of tools) {
    const output = join(outDir, `${tool}.parquet`);
    const measured: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(output, { force: true });
      const m = await runTool(tool, csv.path, output, outDir, threads);
      log(`${variant} / ${tool} run ${i + 1}/${runs}: ${(m.wallMs / 1000).toFixed(2)} s (CPU ${(m.cpuMs / 1000).toFixed(2)} s), peak RSS ${(m.peakRss / 2 ** 20).toFixed(0)} MiB (load average ${loadavg()[0].toFixed(1)})`);
      measured.push(m);
    }
    results.push({ tool, runs: measured, output });
  }

  const fingerprints = await Promise.all(results.map(async (r) => JSON.parse((await measureNode([join(JOBS, 'verify-job.js'), r.output], { cwd: BENCH, tmp: outDir })).stdout) as Record<string, unknown>));
  const same = fingerprints.every((f) => JSON.stringify(f) === JSON.stringify(fingerprints[0]));
  const duck = results.find((r) => r.tool === 'duckdb');
  const table = results.map((r) => {
    const wall = median(r.runs.map((m) => m.wallMs));
    const peak = Math.max(...r.runs.map((m) => m.peakRss));
    return {
      tool: r.tool,
      'wall (median)': `${(wall / 1000).toFixed(2)} s`,
      'rows/s': `${((rows / wall) * 1000 / 1e6).toFixed(2)} M`,
      'MB/s': ((mb / wall) * 1000).toFixed(0),
      'peak RSS': `${(peak / 2 ** 20).toFixed(0)} MiB`,
      'vs DuckDB': duck ? `${(wall / median(duck.runs.map((m) => m.wallMs))).toFixed(2)}x` : '-',
      'output': `${(statSync(r.output).size / 1e6).toFixed(0)} MB`,
      'rows out': fingerprints[results.indexOf(r)].rows,
    };
  });
  process.stdout.write(`\n${variant} data: ${rows} rows, ${mb.toFixed(0)} MB CSV, ${runs} runs each; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
  console.table(table);
  process.stdout.write(same ? `✓ all outputs hold the same rows (count and per-column checksums via DuckDB): ${JSON.stringify(fingerprints[0])}\n` : `✗ outputs differ:\n${results.map((r, i) => `  ${r.tool}: ${JSON.stringify(fingerprints[i])}`).join('\n')}\n`);

  if (tools.includes('pypeline') && !values['no-profile']) {
    const p = await profileStages(csv.path, join(outDir, 'profile.parquet'), threads);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    process.stdout.write(`\nPYpeline stages on the ${variant} data (in process, streaming, so each is the time it adds):\n`);
    console.table([
      { stage: 'parse (csv_source)', adds: s(p.parseMs), cumulative: s(p.parseMs) },
      { stage: 'filter (filter_mod age > 18)', adds: s(p.parseFilterMs - p.parseMs), cumulative: s(p.parseFilterMs) },
      { stage: 'write (parquet_sink)', adds: s(p.allMs - p.parseFilterMs), cumulative: s(p.allMs) },
    ]);
  }
  if (!values.keep) rmSync(csv.path, { force: true });
  for (const r of results) rmSync(r.output, { force: true });
  rmSync(join(outDir, 'profile.parquet'), { force: true });
  return { variant, mb, results, fingerprints };
}

async function runTool(tool: string, csv: string, output: string, tmp: string, threads: number): Promise<Measured> {
  switch (tool) {
    case 'pypeline': {
      const flow = join(tmp, 'bench_flow.yaml');
      writeFileSync(flow, benchFlowYaml('bench_csv_to_parquet', csv, output, threads, { id: 'adults', name: 'filter_mod', required: '{ condition: "age > 18" }' }));
      return measureNode([CLI, 'run', flow], { cwd: BENCH, tmp });
    }
    case 'duckdb':
      return measureNode([join(JOBS, 'duckdb-job.js'), csv, output], { cwd: BENCH, tmp });
    case 'baseline':
      return measureNode([join(JOBS, 'baseline-job.js'), csv, output], { cwd: BENCH, tmp });
    default:
      throw new Error(`unknown tool ${tool}: use pypeline, duckdb or baseline`);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

await main();
