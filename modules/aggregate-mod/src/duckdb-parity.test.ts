import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { Bool, Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, type ModuleOutputs, toTable } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing } from '@pypeline/test-services';
import { takeRows } from '@pypeline/verbs';
import { describe, expect, it } from 'vitest';
import aggregateMod from './index.js';
import type { Config } from './config.js';

// Every aggregate function against DuckDB's GROUP BY on generated data with nulls, duplicates,
// unicode, negative numbers; one group, many groups and an empty input. Rows are matched by key
// (order-insensitive); floats within a relative 1e-9; order-dependent functions use ORDER BY id.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const WORDS = ['äpfel', 'Zürich', 'naïve', '東京', 'a', 'b', '', '🙂 smile', 'Ωmega'];

interface Rows { id: number[]; g: (number | null)[]; x: (number | null)[]; f: (number | null)[]; s: (string | null)[]; b: (boolean | null)[] }

function generate(n: number, groups: number): Rows {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const r: Rows = { id: [], g: [], x: [], f: [], s: [], b: [] };
  for (let i = 0; i < n; i++) {
    r.id.push(i);
    r.g.push(rnd() < 0.03 ? null : Math.floor(rnd() * groups) - 3);
    r.x.push(rnd() < 0.15 ? null : Math.floor(rnd() * 21) - 10);
    r.f.push(rnd() < 0.15 ? null : Math.round((rnd() * 2000 - 1000) * 1000) / 1000);
    r.s.push(rnd() < 0.15 ? null : WORDS[Math.floor(rnd() * WORDS.length)]);
    r.b.push(rnd() < 0.15 ? null : rnd() < 0.5);
  }
  return r;
}

// [output name, our aggregate, DuckDB's expression]
const FUNCTIONS: [string, string, string][] = [
  ['n', 'count(*)', 'count(*)'], ['cx', 'count(x)', 'count(x)'], ['cdx', 'count(distinct s)', 'count(distinct s)'],
  ['ci', 'count_if(x > 2)', 'count_if(x > 2)'], ['sx', 'sum(x)', 'sum(x)::BIGINT'], ['sdx', 'sum(distinct x)', 'sum(distinct x)::BIGINT'],
  ['sf', 'sum(f)', 'sum(f)'], ['ax', 'avg(x)', 'avg(x)'], ['adf', 'avg(distinct f)', 'avg(distinct f)'],
  ['mnx', 'min(x)', 'min(x)'], ['mxs', 'max(s)', 'max(s)'], ['mns', 'min(s)', 'min(s)'], ['mxb', 'max(b)', 'max(b)'],
  ['fs', 'first(s)', 'first(s ORDER BY id)'], ['lx', 'last(x)', 'last(x ORDER BY id)'],
  ['sd', 'stddev(f)', 'stddev(f)'], ['sds', 'stddev_samp(x)', 'stddev_samp(x)'], ['sdp', 'stddev_pop(f)', 'stddev_pop(f)'],
  ['v', 'variance(x)', 'variance(x)'], ['vs', 'var_samp(f)', 'var_samp(f)'], ['vp', 'var_pop(x)', 'var_pop(x)'], ['vdp', 'var_pop(distinct x)', 'var_pop(distinct x)'],
  ['med', 'median(x)', 'median(x)'], ['medf', 'median(f)', 'median(f)'], ['qc', 'quantile_cont(f, 0.9)', 'quantile_cont(f, 0.9)'],
  ['qc0', 'quantile_cont(x, 0.3)', 'quantile_cont(x, 0.3)'], ['qd', 'quantile_disc(x, 0.3)', 'quantile_disc(x, 0.3)'],
  ['qds', 'quantile_disc(s, 0.75)', 'quantile_disc(s, 0.75)'], ['qd1', 'quantile_disc(f, 1)', 'quantile_disc(f, 1)'], ['qd0', 'quantile_disc(f, 0)', 'quantile_disc(f, 0)'],
  ['mo', 'mode(x)', 'mode(x)'], ['sa', "string_agg(s, ' | ')", "string_agg(s, ' | ' ORDER BY id)"], ['li', 'list(x)', 'list(x ORDER BY id)'],
  ['ba', 'bool_and(b)', 'bool_and(b)'], ['bo', 'bool_or(b)', 'bool_or(b)'],
];

// The aggregates that fold by group (a few numbers of state each): with only these, aggregate_mod
// runs as a streaming hash aggregate, partial states spilled and merged beyond the budget.
const FOLDING = FUNCTIONS.filter(([name]) => ['n', 'cx', 'ci', 'sx', 'sf', 'ax', 'mnx', 'sd', 'sds', 'sdp', 'v', 'vs', 'vp', 'ba', 'bo'].includes(name));

const plain = (v: unknown): unknown => {
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && Symbol.iterator in v) return [...(v as Iterable<unknown>)].map(plain);
  if (v !== null && typeof v === 'object' && 'items' in v) return (v as { items: unknown[] }).items.map(plain);
  return v;
};

/** Our result; with a `memoryBudget` the input comes in 500-row batches, so a small budget spills. */
async function ours(rows: Rows, groupBy: string[], memoryBudget?: number, logs?: string[], reshape = (t: Table) => t, functions = FUNCTIONS): Promise<Record<string, unknown>[]> {
  const table = new Table({
    id: vectorFromArray(rows.id, new Int32()), g: vectorFromArray(rows.g, new Int32()), x: vectorFromArray(rows.x, new Int32()),
    f: vectorFromArray(rows.f, new Float64()), s: vectorFromArray(rows.s, new Utf8()), b: vectorFromArray(rows.b, new Bool()),
  });
  const config: Config = { group_by: groupBy, aggregates: Object.fromEntries(functions.map(([name, agg]) => [name, agg])) };
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'agg', memoryBudget });
  const input = memoryBudget === undefined ? table : new Table(table.batches.flatMap((b) => Array.from({ length: Math.ceil(b.numRows / 500) }, (_, i) => b.slice(i * 500, (i + 1) * 500))));
  const out = await toTable(((await aggregateMod.run({ input: new MemoryArtifact(reshape(input)) }, ctx)) as ModuleOutputs).output);
  logs?.push(...ctx.logs.map((l) => l.msg));
  return out.toArray().map((r) => Object.fromEntries(Object.entries(r.toJSON()).map(([k, v]) => [k, plain(v)])));
}

async function duckdb(rows: Rows, groupBy: string[], functions = FUNCTIONS): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  try {
    await c.run('CREATE TABLE t (id INTEGER, g INTEGER, x INTEGER, f DOUBLE, s VARCHAR, b BOOLEAN)');
    const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));
    for (let i = 0; i < rows.id.length; i += 1000) {
      const values = rows.id.slice(i, i + 1000).map((_, k) => `(${[rows.id, rows.g, rows.x, rows.f, rows.s, rows.b].map((col) => lit(col[i + k])).join(', ')})`);
      await c.run(`INSERT INTO t VALUES ${values.join(', ')}`);
    }
    const keys = groupBy.map((k) => `${k}, `).join('');
    const sql = `SELECT ${keys}${functions.map(([name, , duck]) => `${duck} AS ${name}`).join(', ')} FROM t${groupBy.length ? ` GROUP BY ${groupBy.join(', ')}` : ''}`;
    const result = await c.runAndReadAll(sql);
    return result.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

function expectSame(a: Record<string, unknown>[], b: Record<string, unknown>[], key: string | undefined): void {
  expect(a.length).toBe(b.length);
  const byKey = new Map(b.map((r) => [key ? r[key] : 'all', r]));
  for (const row of a) {
    const theirs = byKey.get(key ? row[key] : 'all');
    expect(theirs, `group ${String(key ? row[key] : 'all')}`).toBeDefined();
    for (const [name, v] of Object.entries(row)) {
      const w = theirs![name];
      const where = `${name} of group ${String(key ? row[key] : 'all')}`;
      if (typeof v === 'number' && typeof w === 'number') expect(Math.abs(v - w), where).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(w)));
      else expect(v, where).toEqual(w);
    }
  }
}

describe('aggregate_mod agrees with DuckDB', () => {
  it('on many groups (nulls, duplicates, unicode, negatives)', async () => {
    const rows = generate(20_000, 400);
    expectSame(await ours(rows, ['g']), await duckdb(rows, ['g']), 'g');
  }, 120_000);

  it('spilled past a tiny memory budget, partition by partition (group keys of two columns)', async () => {
    const rows = generate(20_000, 400);
    const logs: string[] = [];
    const spilled = await ours(rows, ['g'], 16_384, logs);
    expect(logs).toContain('spilled to disk in partitions');
    expectSame(spilled, await duckdb(rows, ['g']), 'g');
    const two = (r: Record<string, unknown>[]) => r.map((x) => ({ ...x, gb: `${String(x.g)}|${String(x.b)}` }));
    expectSame(two(await ours(rows, ['g', 'b'], 16_384)), two(await duckdb(rows, ['g', 'b'])), 'gb');
  }, 180_000);

  it('on a few large groups and on one group', async () => {
    const rows = generate(5_000, 3);
    expectSame(await ours(rows, ['g']), await duckdb(rows, ['g']), 'g');
    expectSame(await ours(rows, []), await duckdb(rows, []), undefined);
  }, 120_000);

  it('on an empty input', async () => {
    const rows = generate(0, 1);
    expect(await ours(rows, ['g'])).toEqual([]);
    expectSame(await ours(rows, []), await duckdb(rows, []), undefined);
  }, 120_000);

  it('on an input filtered to nothing (0-row batches as filter_mod leaves them), in memory and at a tiny budget', async () => {
    const rows = generate(2_000, 40);
    const none = generate(0, 1);
    for (const budget of [undefined, 16_384]) {
      expect(await ours(rows, ['g'], budget, undefined, (t) => filteredToNothing(t, takeRows))).toEqual([]);
      expect(await ours(rows, ['g', 's'], budget, undefined, (t) => filteredToNothing(t, takeRows))).toEqual([]);
      expectSame(await ours(rows, [], budget, undefined, (t) => filteredToNothing(t, takeRows)), await duckdb(none, []), undefined);
    }
  }, 120_000);

  it('on keys of two columns, both with nulls and unicode', async () => {
    const rows = generate(5_000, 30);
    const key = (r: Record<string, unknown>[]) => r.map((x) => ({ ...x, gs: `${String(x.g)}|${String(x.s)}` }));
    expectSame(key(await ours(rows, ['g', 's'])), key(await duckdb(rows, ['g', 's'])), 'gs');
  }, 120_000);

  it('as a streaming hash aggregate (only aggregates that fold by group): in memory, and with partial states spilled and merged', async () => {
    const rows = generate(20_000, 400);
    const key = (r: Record<string, unknown>[]) => r.map((x) => ({ ...x, gb: `${String(x.g)}|${String(x.b)}` }));
    // In memory: the groups in order of first appearance, as the row-at-a-time path gives them.
    const byG = await duckdb(rows, ['g'], FOLDING);
    const inMemory = await ours(rows, ['g'], undefined, undefined, undefined, FOLDING);
    expectSame(inMemory, byG, 'g');
    const firsts = [...new Set(rows.g)];
    expect(inMemory.map((r) => r.g)).toEqual(firsts);
    // 20,000 rows in 500-row batches at 256 KiB: the rows (about 700 KB) would not fit, the groups do.
    const logs: string[] = [];
    expectSame(await ours(rows, ['g'], 256 * 1024, logs, undefined, FOLDING), byG, 'g');
    expect(logs).not.toContain('spilled to disk in partitions');
    // At 16 KiB the groups do not fit: partial states are handed on, spilled by key and merged.
    for (const groupBy of [['g'], ['g', 'b']]) {
      const spilledLogs: string[] = [];
      const spilled = await ours(rows, groupBy, 16_384, spilledLogs, undefined, FOLDING);
      expect(spilledLogs).toContain('group-by states outgrew the memory budget; merging them by partition');
      expect(spilledLogs).toContain('spilled to disk in partitions');
      expectSame(key(spilled), key(groupBy.length === 1 ? byG : await duckdb(rows, groupBy, FOLDING)), 'gb');
    }
    // No keys: one group, whatever the budget; an empty or filtered-to-nothing input too.
    expectSame(await ours(rows, [], 16_384, undefined, undefined, FOLDING), await duckdb(rows, [], FOLDING), undefined);
    const none = generate(0, 1);
    expect(await ours(none, ['g'], undefined, undefined, undefined, FOLDING)).toEqual([]);
    expectSame(await ours(none, [], undefined, undefined, undefined, FOLDING), await duckdb(none, [], FOLDING), undefined);
    expect(await ours(rows, ['g', 's'], 16_384, undefined, (t) => filteredToNothing(t, takeRows), FOLDING)).toEqual([]);
    expectSame(await ours(rows, [], 16_384, undefined, (t) => filteredToNothing(t, takeRows), FOLDING), await duckdb(none, [], FOLDING), undefined);
  }, 180_000);
});
