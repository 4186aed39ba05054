// End to end: examples/load_folder_to_postgres.yaml run by the real CLI against the local
// PostgreSQL, in a schema of its own that is dropped afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const FLOW = 'examples/load_folder_to_postgres.yaml';

import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import pg from 'pg';

function pype(args: string[]) {
  // The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function csvRows(folder: string): { order_id: number; customer: string; amount: number }[] {
  const dir = join(ROOT, 'examples/data', folder);
  const files = ['orders_2024_01.csv', 'orders_2024_02.csv', 'orders_2024_03.csv'].filter((f) => existsSync(join(dir, f)));
  return files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8').trim().split('\n').slice(1).map((line) => {
      const [id, customer, amount] = line.split(',');
      return { order_id: Number(id), customer, amount: Number(amount) };
    }),
  );
}

describeWithService('postgres', 'examples/load_folder_to_postgres.yaml end to end', () => {
  const db = postgresTestConfig();
  const schema = uniqueName('pype_e2e');
  const client = new pg.Client(db);
  const run = (extra: string[]) => {
    const out = mkdtempSync(join(tmpdir(), 'pype-e2e-pg-'));
    const log = join(out, 'run.jsonl');
    const sets = { pg_host: db.host, pg_port: String(db.port), pg_user: db.user, pg_database: db.database, pg_schema: schema, out_dir: out };
    const r = pype(['run', FLOW, '--log-file', log, ...Object.entries(sets).flatMap(([k, v]) => ['--set', `${k}=${v}`]), ...extra]);
    return { ...r, out, log: () => readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) };
  };
  // order_id is bigint (csv_source reads integers as Int64), which node-postgres returns as text.
  const rowsOf = async (table: string) =>
    (await client.query(`select order_id, customer, amount from "${schema}"."${table}" order by order_id`)).rows.map((r) => ({ ...r, order_id: Number(r.order_id) }));

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema "${schema}"`);
  });
  afterAll(async () => {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  it('loads every CSV file of the folder, one iteration each, then writes the summary', async () => {
    const r = run(['--set', 'table=orders_ok']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ load_folder_to_postgres succeeded/);
    for (const node of ['read#0', 'load#0', 'read#1', 'load#1', 'read#2', 'load#2']) expect(r.stdout).toMatch(new RegExp(`${node}\\s+success`));

    const expected = csvRows('folder');
    expect(expected).toHaveLength(12);
    expect(await rowsOf('orders_ok')).toEqual(expected);

    const summary = JSON.parse(readFileSync(join(r.out, 'load_summary.json'), 'utf8'));
    const total = Math.round(expected.reduce((sum, x) => sum + x.amount, 0) * 100) / 100;
    expect(summary).toEqual([{
      files: 3, row_count: 12, customers: new Set(expected.map((x) => x.customer)).size, total_amount: total,
      first_order: '2024-01-03', last_order: '2024-03-31',
    }]);
    expect(r.log().filter((e) => e.event === 'iteration.finished').map((e) => e.status)).toEqual(['success', 'success', 'success']);
  });

  it('on a bad file: reports it, keeps the files loaded before it, writes none of its rows, skips the summary', async () => {
    const r = run(['--set', 'table=orders_bad', '--set', 'data_dir=examples/data/folder_bad']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✗ load_folder_to_postgres failed .*load \(postgres_sink\) failed: cannot load 3 rows into .*orders_bad.* \(nothing was written\): column "amount" of .*orders_bad" is double precision, but the input's "amount" is text \(Arrow Utf8\), and a value does not convert: invalid input syntax for type double precision: "n\/a"/);
    expect(r.stderr).toMatch(/fix: cast the column to the table's type before loading \(select_mod with cast: \{ amount: float64 \}/);

    // orders_2024_04 loaded; orders_2024_05 failed whole; the loop stopped before orders_2024_06.
    expect((await rowsOf('orders_bad')).map((x) => x.order_id)).toEqual([4001, 4002]);
    expect(existsSync(join(r.out, 'load_summary.json'))).toBe(false);

    const report = r.log().filter((e) => e.node_id === 'load_failed#1' && e.level === 50);
    expect(report).toHaveLength(1);
    expect(report[0].msg).toMatch(/^error report: .*orders_2024_05\.csv \(file 1\) was not loaded: .*"n\/a"/);
    expect(r.stdout).toMatch(/summary_query#0\s+skipped\s+halted after a failure/);
    expect(r.stdout).not.toMatch(/read#2/);
  });
}, 180_000);
