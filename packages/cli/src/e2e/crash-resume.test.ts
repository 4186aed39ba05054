// DESIGN.md's "a sink's commit is also its record", end to end: a job (CSV → Parquet, then an
// ITERATE over a folder of CSV files, each loaded into PostgreSQL in append mode and written as
// JSON Lines) is SIGKILLed at every checkpoint boundary, right after every sink's commit, after it
// finished, and at random moments, then resumed until it completes. Its files must equal a clean
// run's and its table must hold the clean run's rows: none twice, none missing.
// The random moments come from a seeded generator; replay a failure with PYPE_CRASH_SEED=<seed>.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const FILES = 4;
const ROWS = 5000;
const RANDOM_KILLS = 20;
const SEED = Number(process.env.PYPE_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: small, seedable, good enough to spread kill moments. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const FLOW = `flow:
  name: crash_loads
context:
  default:
    data_dir: data
    out_dir: out
    pg_host: 127.0.0.1
    pg_port: 5432
    pg_user: postgres
    pg_database: test
    pg_schema: public
    table: orders
modules:
  - { id: first, name: csv_source, configs: { required: { file_path: "{{context.data_dir}}/orders_0.csv" } } }
  - { id: to_parquet, name: parquet_sink, configs: { required: { output_path: "{{context.out_dir}}/orders_0.parquet" } } }
  - { id: files, name: file_list, configs: { required: { directory: "{{context.data_dir}}" }, optional: { pattern: "*.csv", sort: name } } }
  - { id: read, name: csv_source, configs: { required: { file_path: "{{iter.item.path}}" } } }
  - id: load
    name: postgres_sink
    configs:
      required: { database: "{{context.pg_database}}", table: "{{context.table}}" }
      optional: { host: "{{context.pg_host}}", port: "{{context.pg_port}}", user: "{{context.pg_user}}", schema: "{{context.pg_schema}}", create_table: true, mode: append }
  - { id: dump, name: json_sink, configs: { required: { output_path: "{{context.out_dir}}/{{iter.item.name}}.jsonl" } } }
connections:
  data:
    - "first.data - to_parquet.input"
    - "read.data - load.input"
    - "read.data - dump.input"
  control:
    - "files (iterate|) read"
`;

// A --plugin that SIGKILLs its own process at one named point: `before <node>`, `after <node>`
// (a sink's afterModule runs right after its commit) or `complete` (after the run finished).
const KILL_PLUGIN = `const at = process.env.CRASH_KILL_AT;
const kill = (point) => { if (point === at) process.kill(process.pid, 'SIGKILL'); };
export default {
  beforeModule: (m) => kill('before ' + m.nodeId),
  afterModule: (m) => kill('after ' + m.nodeId),
  onComplete: () => kill('complete'),
};
`;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

function pype(args: string[], opts: { env?: Record<string, string>; killAfterMs?: number } = {}): Promise<Exit> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', ...opts.env } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timers = [setTimeout(() => child.kill('SIGKILL'), 120_000)];
  if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs));
  return new Promise((resolve) => child.on('exit', (code, signal) => {
    for (const t of timers) clearTimeout(t);
    resolve({ code, signal, output, ms: Date.now() - t0 });
  }));
}

function writeData(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < FILES; f++) {
    const lines = Array.from({ length: ROWS }, (_, i) => `${f * ROWS + i},customer ${(i * 7) % 97},${((i * 13) % 1000) / 10},2024-0${1 + (f % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`);
    writeFileSync(join(dir, `orders_${f}.csv`), `order_id,customer,amount,ordered_on\n${lines.join('\n')}\n`);
  }
}

const events = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

describeWithService('postgres', 'SIGKILL anywhere, then --resume: files and table equal a clean run\'s', () => {
  const db = postgresTestConfig();
  const schema = uniqueName('pype_crash');
  const client = new pg.Client(db);
  const root = mkdtempSync(join(tmpdir(), 'pype-crash-'));
  const data = join(root, 'data');
  const plugin = join(root, 'kill-plugin.mjs');
  const duck = DuckDBInstance.create(':memory:').then((d) => d.connect());
  let job = '';
  let trials = 0;

  beforeAll(async () => {
    console.log(`crash test seed ${SEED} (replay with PYPE_CRASH_SEED=${SEED})`);
    await client.connect();
    await client.query(`create schema "${schema}"`);
    writeData(data);
    writeFileSync(plugin, KILL_PLUGIN);
    writeFileSync(join(root, 'flow.yaml'), FLOW);
    const built = await pype(['build', join(root, 'flow.yaml'), '--out', join(root, 'jobs')]);
    expect(built.code, built.output).toBe(0);
    job = join(root, 'jobs', 'crash_loads');
  }, 120_000);
  afterAll(async () => {
    await client.query(`drop schema if exists "${schema}" cascade`).catch(() => {});
    await client.end().catch(() => {});
    (await duck).closeSync();
    rmSync(root, { recursive: true, force: true });
  });

  /** A trial of its own: a copy of the built job, an output folder and a table. */
  function trial() {
    const n = ++trials;
    const dir = join(root, `trial-${n}`);
    cpSync(job, join(dir, 'job'), { recursive: true });
    const sets = { data_dir: data, out_dir: join(dir, 'out'), pg_host: db.host, pg_port: String(db.port), pg_user: db.user, pg_database: db.database, pg_schema: schema, table: `orders_${n}` };
    const args = (attempt: number, resume: boolean) => [
      'run', join(dir, 'job'), ...Object.entries(sets).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      '--plugin', plugin, '--events', join(dir, `events-${attempt}.jsonl`), ...(resume ? ['--resume'] : []),
    ];
    return { n, dir, out: join(dir, 'out'), table: `orders_${n}`, args };
  }

  /**
   * Runs a trial: the first run killed as `kill` says, then `--resume` until it succeeds. A killed
   * process whose events end with a successful run.finished had finished: it needs no resume.
   */
  async function runTrial(kill: { at?: string; afterMs?: number; resumeAfterMs?: number }): Promise<{ out: string; table: string; log: string[] }> {
    const t = trial();
    const log: string[] = [];
    let attempt = 0;
    for (;;) {
      attempt++;
      if (attempt > 4) throw new Error(`trial ${t.n} did not complete in 4 attempts:\n${log.join('\n')}`);
      const first = attempt === 1;
      const killAfterMs = first ? kill.afterMs : attempt === 2 ? kill.resumeAfterMs : undefined;
      const r = await pype(t.args(attempt, !first), { env: first && kill.at ? { CRASH_KILL_AT: kill.at } : {}, killAfterMs });
      log.push(`attempt ${attempt}${first ? '' : ' (--resume)'}: exit ${r.code ?? r.signal} after ${r.ms} ms\n${r.output}`);
      if (first && kill.at) expect(r.signal, `trial ${t.n}: the run never reached "${kill.at}"\n${r.output}`).toBe('SIGKILL');
      if (r.code === 0) break;
      expect(r.signal, `trial ${t.n} (seed ${SEED}), attempt ${attempt} failed:\n${log.join('\n')}`).toBe('SIGKILL');
      const finished = events(join(t.dir, `events-${attempt}.jsonl`)).some((e) => e.type === 'run.finished' && e.status === 'success');
      if (finished) break;
    }
    return { out: t.out, table: t.table, log };
  }

  async function parquetRows(file: string): Promise<unknown[]> {
    return (await (await duck).runAndReadAll(`SELECT * FROM read_parquet('${file}') ORDER BY ALL`)).getRowObjectsJson();
  }

  /** Everything a run leaves: output files by name (Parquet by content), and the table's rows in order. */
  async function outcome(run: { out: string; table: string }) {
    const files: Record<string, unknown> = {};
    for (const f of readdirSync(run.out).sort()) {
      files[f] = f.endsWith('.parquet') ? await parquetRows(join(run.out, f)) : readFileSync(join(run.out, f), 'utf8');
    }
    const { rows } = await client.query(`select order_id, customer, amount, ordered_on::text from "${schema}"."${run.table}" order by order_id, customer, amount, ordered_on`);
    return { files, rows };
  }

  it('at every checkpoint boundary, after every sink commit, after the end and at 20 random moments', async () => {
    const clean = await runTrial({});
    expect(clean.log).toHaveLength(1);
    const expected = await outcome(clean);
    expect(expected.rows).toHaveLength(FILES * ROWS);
    expect(Object.keys(expected.files)).toEqual(['orders_0.csv.jsonl', 'orders_0.parquet', 'orders_1.csv.jsonl', 'orders_2.csv.jsonl', 'orders_3.csv.jsonl']);
    const cleanMs = Number(/after (\d+) ms/.exec(clean.log[0])![1]);

    // Checkpoint boundaries: before the first module of every sub flow (and every loop frame).
    const nodes = ['first#0', 'files#0', ...Array.from({ length: FILES }, (_, i) => `read#${i}`)];
    const sinks = ['to_parquet#0', ...Array.from({ length: FILES }, (_, i) => [`load#${i}`, `dump#${i}`]).flat()];
    const points = [...nodes.map((n) => `before ${n}`), ...sinks.map((n) => `after ${n}`), 'complete'];
    const rnd = random(SEED);
    const moments = Array.from({ length: RANDOM_KILLS }, () => ({
      afterMs: Math.round(rnd() * cleanMs),
      // Every other trial kills its first resume too, so a resumed run is resumed again.
      resumeAfterMs: rnd() < 0.5 ? Math.round(rnd() * cleanMs) : undefined,
    }));
    const cases = [...points.map((at) => ({ at })), ...moments];
    for (const kill of cases) {
      const run = await runTrial(kill);
      const got = await outcome(run);
      const what = `kill ${JSON.stringify(kill)} (seed ${SEED})`;
      expect(got.rows.length, `${what}: ${got.rows.length} rows in the table, ${FILES * ROWS} expected\n${run.log.join('\n')}`).toBe(FILES * ROWS);
      expect(got.rows, what).toEqual(expected.rows);
      expect(got.files, what).toEqual(expected.files);
      // A kill between a load's commit and the checkpoint: the resumed run found the load's record.
      if ('at' in kill && kill.at.startsWith('after load#')) expect(run.log.join('\n'), what).toMatch(/already loaded: the interrupted run \S+ committed this load/);
    }
  }, 1_800_000);
});
