// What the crash tests share (crash-resume.test.ts kills a local run, distributed-crash.test.ts
// kills workers and Redis under a bullmq run): the job, its data, a seeded generator, the `pype`
// child process, and the outcome a run leaves (files and table) to compare with a clean run's.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { expect } from 'vitest';
import { postgresTestConfig, seededRandom, uniqueName } from '@pypeline/test-services';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');
export const FILES = 4;
export const ROWS = 5000;

/** The seed of a test's random moments: PYPE_CRASH_SEED replays a failure. */
export function crashSeed(): number {
  return Number(process.env.PYPE_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
}

/** The generator of a test's random moments, from its seed. */
export const random = seededRandom;

/** CSV → Parquet, then an ITERATE over a folder of CSV files, each appended to PostgreSQL and written as JSON Lines. */
export const CRASH_FLOW = `flow:
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

/** What the clean run of CRASH_FLOW writes. */
export const CRASH_FILES = ['orders_0.csv.jsonl', 'orders_0.parquet', 'orders_1.csv.jsonl', 'orders_2.csv.jsonl', 'orders_3.csv.jsonl'];

export function writeData(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < FILES; f++) {
    const lines = Array.from({ length: ROWS }, (_, i) => `${f * ROWS + i},customer ${(i * 7) % 97},${((i * 13) % 1000) / 10},2024-0${1 + (f % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`);
    writeFileSync(join(dir, `orders_${f}.csv`), `order_id,customer,amount,ordered_on\n${lines.join('\n')}\n`);
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

export interface PypeProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  exited: Promise<Exit>;
}

/** Starts `pype <args>` (the built CLI); killed after `timeoutMs` (default 120 s) or `killAfterMs`. */
export function startPype(args: string[], opts: { env?: Record<string, string>; killAfterMs?: number; timeoutMs?: number; cwd?: string } = {}): PypeProcess {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', ...opts.env } });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const timers = [setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000)];
  if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => {
    for (const t of timers) clearTimeout(t);
    resolve({ code, signal, output, ms: Date.now() - t0 });
  }));
  return { child, output: () => output, exited };
}

/** Runs `pype <args>` to its end. */
export function pype(args: string[], opts: Parameters<typeof startPype>[1] = {}): Promise<Exit> {
  return startPype(args, opts).exited;
}

/** The events a `--events` file recorded (none when the file is missing). */
export function readEvents(file: string): Array<Record<string, unknown>> {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

/** Everything a run of CRASH_FLOW leaves: output files by name (Parquet by content), and the table's rows in order. */
export async function crashOutcome(run: { out: string; table: string }, db: { client: pg.Client; schema: string; duck: DuckDBConnection }) {
  const files: Record<string, unknown> = {};
  for (const f of readdirSync(run.out).sort()) {
    files[f] = f.endsWith('.parquet')
      ? (await db.duck.runAndReadAll(`SELECT * FROM read_parquet('${join(run.out, f)}') ORDER BY ALL`)).getRowObjectsJson()
      : readFileSync(join(run.out, f), 'utf8');
  }
  const { rows } = await db.client.query(`select order_id, customer, amount, ordered_on::text from "${db.schema}"."${run.table}" order by order_id, customer, amount, ordered_on`);
  return { files, rows };
}

/**
 * What a crash test holds from beforeAll to afterAll: a PostgreSQL schema of its own, a folder with
 * the data and the built job, and DuckDB to read the Parquet files back. Each trial gets a copy of
 * the job, an output folder and a table of its own.
 */
export class CrashFixture {
  readonly db = postgresTestConfig();
  readonly schema: string;
  readonly client: pg.Client;
  readonly root: string;
  readonly data: string;
  private readonly duck = DuckDBInstance.create(':memory:').then((d) => d.connect());
  private job = '';
  private trials = 0;

  /** `flow`: CRASH_FLOW or a variant of it (same modules and outputs). */
  constructor(prefix: string, private readonly flow = CRASH_FLOW) {
    this.schema = uniqueName(prefix.replace(/-/g, '_'));
    this.client = new pg.Client(this.db);
    this.root = mkdtempSync(join(tmpdir(), `${prefix}-`));
    this.data = join(this.root, 'data');
  }

  /** Connects, creates the schema, writes the data and builds the job (for beforeAll). */
  async setup(): Promise<void> {
    await this.client.connect();
    await this.client.query(`create schema "${this.schema}"`);
    writeData(this.data);
    writeFileSync(join(this.root, 'flow.yaml'), this.flow);
    const built = await pype(['build', join(this.root, 'flow.yaml'), '--out', join(this.root, 'jobs')]);
    expect(built.code, built.output).toBe(0);
    this.job = join(this.root, 'jobs', 'crash_loads');
  }

  /** Drops the schema and removes the folder (for afterAll). */
  async teardown(): Promise<void> {
    await this.client.query(`drop schema if exists "${this.schema}" cascade`).catch(() => {});
    await this.client.end().catch(() => {});
    (await this.duck).closeSync();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** A trial of its own; `args(attempt, resume)` are its `pype run` arguments, with `flags` added. */
  trial(flags: string[] = []) {
    const n = ++this.trials;
    const dir = join(this.root, `trial-${n}`);
    cpSync(this.job, join(dir, 'job'), { recursive: true });
    const { db, schema } = this;
    const sets = { data_dir: this.data, out_dir: join(dir, 'out'), pg_host: db.host, pg_port: String(db.port), pg_user: db.user, pg_database: db.database, pg_schema: schema, table: `orders_${n}` };
    const args = (attempt: number, resume: boolean) => [
      'run', join(dir, 'job'), ...flags, ...Object.entries(sets).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      '--events', join(dir, `events-${attempt}.jsonl`), ...(resume ? ['--resume'] : []),
    ];
    return { n, dir, out: join(dir, 'out'), table: `orders_${n}`, args };
  }

  /** The files and the table a trial left, to compare with a clean run's. */
  async outcome(run: { out: string; table: string }) {
    return crashOutcome(run, { client: this.client, schema: this.schema, duck: await this.duck });
  }
}
