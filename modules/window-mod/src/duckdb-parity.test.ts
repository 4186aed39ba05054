import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Table, type RecordBatch } from 'apache-arrow';
import { readParquetFile, writeParquetFile } from '@pypeline/parquet';
import { MemoryArtifact, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing, inBatchesOf, openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { takeRows } from '@pypeline/verbs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import windowMod from './index.js';
import type { Config } from './config.js';

// window_mod against DuckDB's OVER (...) on generated data with nulls, many ties and unicode
// partitions. DuckDB makes the data (through Parquet, how it reaches a flow); window_mod's
// output goes back to DuckDB through Parquet and is joined on `id` with DuckDB's own window
// query: every value must be the same (doubles within 1e-9, relative). Functions whose value
// depends on the order of ties (row_number, lag, ROWS frames, …) are run with `id` as a last
// order key, so both sides agree on one order; the others are run on the ties as they are.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const ROWS = 3000;
const NUL = (n: number, expr: string) => `CASE WHEN hash(i, ${n}) % ${n} = 0 THEN NULL ELSE ${expr} END`;
const GENERATE = `
SELECT
  (i * 7919) % ${ROWS} AS id,
  ${NUL(9, `(hash(i, 1) % 12)::INTEGER`)} AS g,
  ${NUL(7, `['', 'a', 'A', 'é', 'e\u0301', 'zürich', '東京', '🙂', 'Ωmega', 'it''s'][1 + (hash(i, 2) % 10)::INTEGER]`)} AS s,
  ${NUL(6, `(hash(i, 3) % 15)::INTEGER - 5`)} AS k,
  ${NUL(5, `(hash(i, 4) % 2001)::INTEGER - 1000`)} AS x,
  ${NUL(8, `[0, 1.5, -2.25, 1e300, -1e300, 1e-300, 42.125, 3][1 + (hash(i, 5) % 8)::INTEGER]::DOUBLE`)} AS f,
  ${NUL(4, `((hash(i, 6) % 200001)::BIGINT - 100000) / 10000::DECIMAL(18,4)`)}::DECIMAL(18,4) AS d,
  ${NUL(10, `(9007199254740993 + (hash(i, 7) % 1000)::BIGINT) * CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END`)} AS big
FROM range(${ROWS}) r(i)`;

/** One window_mod config with its DuckDB twin: each column's SQL is `fn OVER (window)`. */
interface Group {
  partition_by?: string[];
  order_by?: string[];
  /** DuckDB's PARTITION BY … ORDER BY … */
  over: string;
  columns: Record<string, [ours: string, duckdb: string]>;
}

const rows = 'rows between';
const GROUPS: Group[] = [
  {
    // Ties kept: functions whose value does not depend on the order among peers.
    partition_by: ['g'],
    order_by: ['k desc nulls first'],
    over: 'PARTITION BY g ORDER BY k DESC NULLS FIRST',
    columns: {
      rnk: ['rank()', 'rank()'],
      dense: ['dense_rank()', 'dense_rank()'],
      pct: ['percent_rank()', 'percent_rank()'],
      cume: ['cume_dist()', 'cume_dist()'],
      cnt_all: ['count(*)', 'count(*)'],
      cnt_x: ['count(x)', 'count(x)'],
      sum_x: ['sum(x)', 'sum(x)'],
      sum_big: ['sum(big)', 'sum(big)'],
      sum_d: ['sum(d)', 'sum(d)'],
      avg_d: ['avg(d)', 'avg(d)'],
      sum_f: ['sum(f)', 'sum(f)'],
      avg_x: ['avg(x)', 'avg(x)'],
      min_s: ['min(s)', 'min(s)'],
      max_x: ['max(x)', 'max(x)'],
      max_f: ['max(f)', 'max(f)'],
      sum_expr: ['sum(x * 2 + 1)', 'sum(x * 2 + 1)'],
      sum_rest: ['sum(x) range between current row and unbounded following', 'sum(x) RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING'],
      cnt_peers: ['count(*) range current row', 'count(*) RANGE BETWEEN CURRENT ROW AND CURRENT ROW'],
      min_all: ['min(f) range between unbounded preceding and unbounded following', 'min(f) RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING'],
      last_peer: ['last_value(k)', 'last_value(k)'],
    },
  },
  {
    // A total order: everything that depends on the order of rows.
    partition_by: ['s'],
    order_by: ['k', 'id'],
    over: 'PARTITION BY s ORDER BY k ASC NULLS LAST, id',
    columns: {
      rn: ['row_number()', 'row_number()'],
      tile4: ['ntile(4)', 'ntile(4)'],
      tile7: ['ntile(7)', 'ntile(7)'],
      tile999: ['ntile(999)', 'ntile(999)'],
      prev: ['lag(x)', 'lag(x)'],
      prev2: ["lag(s, 2, 'none')", "lag(s, 2, 'none')"],
      same: ['lag(x, 0)', 'lag(x, 0)'],
      next: ['lead(f, 1, 0)', 'lead(f, 1, 0)'],
      next3: ['lead(x, 3, -1)', 'lead(x, 3, -1)'],
      next_d: ['lead(d, 2, 0.5)', 'lead(d, 2, 0.5)'],
      prev_expr: ["lag(s || '!', 1)", "lag(s || '!', 1)"],
      first: ['first_value(s)', 'first_value(s)'],
      last: ['last_value(x)', 'last_value(x)'],
      third: ['nth_value(f, 3)', 'nth_value(f, 3)'],
      first_near: [`first_value(x) ${rows} 2 preceding and 2 following`, 'first_value(x) ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING'],
      last_ahead: [`last_value(s) ${rows} current row and 3 following`, 'last_value(s) ROWS BETWEEN CURRENT ROW AND 3 FOLLOWING'],
      second_all: [`nth_value(x, 2) ${rows} unbounded preceding and unbounded following`, 'nth_value(x, 2) ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING'],
      running: [`sum(x) ${rows} unbounded preceding and current row`, 'sum(x) ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'],
      last4: [`sum(x) ${rows} 3 preceding and current row`, 'sum(x) ROWS BETWEEN 3 PRECEDING AND CURRENT ROW'],
      ahead: [`sum(x) ${rows} 2 following and 5 following`, 'sum(x) ROWS BETWEEN 2 FOLLOWING AND 5 FOLLOWING'],
      behind: [`sum(d) ${rows} 5 preceding and 2 preceding`, 'sum(d) ROWS BETWEEN 5 PRECEDING AND 2 PRECEDING'],
      avg3: ['avg(x) rows 2 preceding', 'avg(x) ROWS 2 PRECEDING'],
      min5: [`min(x) ${rows} 2 preceding and 2 following`, 'min(x) ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING'],
      max_before: [`max(s) ${rows} unbounded preceding and 1 preceding`, 'max(s) ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING'],
      cnt_rest: [`count(x) ${rows} current row and unbounded following`, 'count(x) ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING'],
      sum_f3: [`sum(f) ${rows} 1 preceding and 1 following`, 'sum(f) ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING'],
      cnt21: [`count(*) ${rows} 10 preceding and 10 following`, 'count(*) ROWS BETWEEN 10 PRECEDING AND 10 FOLLOWING'],
      max_far: [`max(f) ${rows} 3 following and unbounded following`, 'max(f) ROWS BETWEEN 3 FOLLOWING AND UNBOUNDED FOLLOWING'],
      empty: [`sum(x) ${rows} 2 preceding and 3 preceding`, 'sum(x) ROWS BETWEEN 2 PRECEDING AND 3 PRECEDING'],
      big_run: [`sum(big) ${rows} unbounded preceding and current row`, 'sum(big) ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'],
    },
  },
  {
    // No order_by: every row of a partition is a peer, the frame is the whole partition.
    partition_by: ['g', 's'],
    over: 'PARTITION BY g, s',
    columns: {
      rnk: ['rank()', 'rank()'],
      cume: ['cume_dist()', 'cume_dist()'],
      total: ['sum(x)', 'sum(x)'],
      n: ['count(*)', 'count(*)'],
      lowest: ['min(s)', 'min(s)'],
      highest: ['max(f)', 'max(f)'],
      mean: ['avg(x)', 'avg(x)'],
    },
  },
  {
    // No partition_by: one partition over everything.
    order_by: ['f desc', 'id desc'],
    over: 'ORDER BY f DESC NULLS LAST, id DESC',
    columns: {
      rn: ['row_number()', 'row_number()'],
      running: ['sum(d)', 'sum(d)'],
      tile: ['ntile(10)', 'ntile(10)'],
      pct: ['percent_rank()', 'percent_rank()'],
      prev: ['lag(big, 5)', 'lag(big, 5)'],
    },
  },
];

let duck: TestDuckDb;
let dir: string;
let input: Table;

beforeAll(async () => {
  duck = await openDuckDb();
  dir = mkdtempSync(join(tmpdir(), 'window-duckdb-'));
  await duck.run(`CREATE TABLE t AS ${GENERATE}`);
  await duck.run(`COPY t TO '${join(dir, 'in.parquet')}' (FORMAT parquet)`);
  input = await readParquetFile(join(dir, 'in.parquet'));
}, 60_000);

afterAll(() => {
  duck?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function windowed(config: Config, data: Table, memoryBudget?: number) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'win', memoryBudget });
  const out = ((await windowMod.run({ input: new MemoryArtifact(data) }, ctx)) as ModuleOutputs).output as AsyncIterable<RecordBatch> & { schema: Table['schema'] };
  const batches: RecordBatch[] = [];
  for await (const batch of out) batches.push(batch);
  return { table: new Table(out.schema, batches), ctx };
}

const configOf = (group: Group): Config => ({
  ...(group.partition_by ? { partition_by: group.partition_by } : {}),
  ...(group.order_by ? { order_by: group.order_by } : {}),
  columns: Object.fromEntries(Object.entries(group.columns).map(([name, [ours]]) => [name, ours])),
});

/** The columns whose values differ from DuckDB's, with a few examples each. */
async function differences(group: Group, ours: Table, file: string): Promise<Record<string, unknown[]>> {
  await writeParquetFile(join(dir, file), ours);
  // DuckDB's twin is written `fn(…) FRAME`: the frame goes inside OVER (…).
  const over = (sql: string) => /^(.*\))\s*((?:ROWS|RANGE) .*)?$/.exec(sql)!;
  const expected = Object.entries(group.columns).map(([name, [, sql]]) => `${over(sql)[1]} OVER (${group.over} ${over(sql)[2] ?? ''}) AS ${name}`).join(', ');
  await duck.run(`CREATE OR REPLACE TABLE expected AS SELECT id, ${expected} FROM t`);
  await duck.run(`CREATE OR REPLACE TABLE ours AS SELECT * FROM '${join(dir, file)}'`);
  const types = new Map((await duck.rows('DESCRIBE expected')).map((r) => [r[0] as string, r[1] as string]));
  const found: Record<string, unknown[]> = {};
  for (const name of Object.keys(group.columns)) {
    const same = types.get(name) === 'DOUBLE'
      ? `(o.${name} IS NOT DISTINCT FROM e.${name} OR abs(o.${name} - e.${name}) <= 1e-9 * greatest(abs(e.${name}), 1e-300))`
      : `o.${name} IS NOT DISTINCT FROM e.${name}`;
    const bad = await duck.rows(`SELECT o.id, o.${name}::VARCHAR, e.${name}::VARCHAR FROM ours o FULL JOIN expected e USING (id) WHERE NOT (${same}) ORDER BY id LIMIT 3`);
    if (bad.length > 0) found[name] = bad;
  }
  return found;
}

describe('window_mod against DuckDB window functions', () => {
  it.each(GROUPS.map((g) => [g.over, g] as const))('OVER (%s) agrees on every column', async (_, group) => {
    const { table } = await windowed(configOf(group), input);
    expect(table.numRows).toBe(ROWS);
    // Rows in input order, input columns first and unchanged.
    expect(table.getChild('id')!.toArray()).toEqual(input.getChild('id')!.toArray());
    expect(table.schema.names).toEqual([...input.schema.names, ...Object.keys(group.columns)]);
    expect(await differences(group, table, 'ours.parquet')).toEqual({});
  }, 120_000);

  it.each(GROUPS.filter((g) => g.partition_by).map((g) => [g.over, g] as const))('OVER (%s) out of core: partitions spilled to disk, same rows in input order', async (_, group) => {
    // Several batches, and a budget a few of them pass: the partitions are spilled and computed one by one.
    const batches = Array.from({ length: 6 }, (_, i) => input.slice(i * 500, (i + 1) * 500).batches).flat();
    const { table, ctx } = await windowed(configOf(group), new Table(batches), 40_000);
    expect(ctx.logs.some((l) => l.msg === 'spilled to disk in partitions')).toBe(true);
    expect(table.getChild('id')!.toArray()).toEqual(input.getChild('id')!.toArray());
    expect(await differences(group, table, 'spilled.parquet')).toEqual({});
  }, 120_000);

  it('gives no rows for an empty input, with the types of a full one, as DuckDB does', async () => {
    const group = GROUPS[1];
    const full = await windowed(configOf(group), input);
    const { table } = await windowed(configOf(group), input.slice(0, 0));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(full.table.schema.fields.map((f) => String(f.type)));
    expect(await duck.rows(`SELECT count(*) FROM (SELECT row_number() OVER (${group.over}) FROM t WHERE false)`)).toEqual([['0']]);
  }, 60_000);

  it.each(GROUPS.map((g) => [g.over, g] as const))('OVER (%s): no rows for an input filtered to nothing (0-row batches), in memory and at a tiny budget', async (_, group) => {
    const full = await windowed(configOf(group), input);
    for (const budget of [undefined, 40_000]) {
      const { table } = await windowed(configOf(group), filteredToNothing(inBatchesOf(input, 500), takeRows), budget);
      expect(table.numRows).toBe(0);
      expect(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(full.table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`));
    }
    const expected = Object.entries(group.columns).map(([name, [, sql]]) => `${/^(.*\))/.exec(sql)![1]} OVER (${group.over}) AS ${name}`).join(', ');
    expect(await duck.rows(`SELECT count(*) FROM (SELECT ${expected} FROM t WHERE false)`)).toEqual([['0']]);
  }, 120_000);
});
