import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { MemoryArtifact, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing, inBatchesOf, openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { takeRows } from '@pypeline/verbs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pivotMod from './index.js';
import type { Config } from './config.js';

// pivot_mod against DuckDB's PIVOT on the same input (made by DuckDB, read through Parquet as a
// flow reads it): null pivot values and group keys, duplicate rows, unicode values as column
// names, listed and discovered values, an empty input. DuckDB checks our output's column names
// and types (DuckDB's sum of integers is HUGEINT, ours BIGINT as aggregate_mod's) and its rows.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const nullEvery = (n: number, expr: string) => `CASE WHEN i % ${n} = 2 THEN NULL ELSE ${expr} END`;

const INPUT = `SELECT (i % 7)::INTEGER AS g, ${nullEvery(9, `(['north', 'Süd', '東'])[i % 3 + 1]`)} AS r,
  ${nullEvery(11, `(['a', 'b', 'Ünï', '😀', 'z z'])[(i * 7) % 5 + 1]`)} AS p, (i % 12)::INTEGER AS k,
  ${nullEvery(4, '(i % 9) - 3')}::INTEGER AS x, ${nullEvery(5, '(i % 13) / 4')}::DOUBLE AS f,
  'L' || (i % 7) || '-' || ((i * 7) % 5) AS label
FROM range(300) r(i)`;

let duck: TestDuckDb;
const tables = new Map<string, Table>();

beforeAll(async () => {
  duck = await openDuckDb();
  await duck.run(`CREATE TABLE t AS ${INPUT}`);
  await duck.run(`CREATE TABLE narrow AS SELECT g, r, p, x FROM t`);
  await duck.run(`CREATE TABLE e AS SELECT * FROM t LIMIT 0`);
  await duck.run(`CREATE TABLE f AS SELECT * FROM t WHERE false`);
  // many groups (some keys null) for the out-of-core run
  await duck.run(`CREATE TABLE big AS ${INPUT.replace('range(300)', 'range(6000)').replace('(i % 7)::INTEGER AS g', `${nullEvery(50, '(i % 700)::INTEGER')} AS g`)}`);
  for (const name of ['t', 'narrow', 'e', 'big']) tables.set(name, await duck.table(`SELECT * FROM ${name}`));
  // t filtered to nothing: 0-row batches as filter_mod leaves them
  tables.set('f', filteredToNothing(tables.get('t')!, takeRows));
}, 60_000);
afterAll(() => duck.close());

/** Our result; with a `memoryBudget` the input comes in 250-row batches, so a small budget spills (`logs` gets the log messages). */
async function ours(table: string, config: Config, memoryBudget?: number, logs: string[] = []): Promise<Table> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'wide', memoryBudget });
  const t = tables.get(table)!;
  const input = memoryBudget === undefined ? t : inBatchesOf(t, 250);
  const result = await toTable(((await pivotMod.run({ input: new MemoryArtifact(input) }, ctx)) as ModuleOutputs).output as ModuleOutput);
  logs.push(...ctx.logs.map((l) => l.msg));
  expect(ctx.globals.get('row_count')).toBe(result.numRows);
  return result;
}

async function expectSame(table: string, config: Config, sql: string, result?: Table): Promise<void> {
  result ??= await ours(table, config);
  await duck.register('ours', result);
  const expected = `SELECT * FROM (${sql})`;
  const describe = async (q: string) => (await duck.rows(`DESCRIBE ${q}`)).map(([name, type]) => [name, type === 'HUGEINT' ? 'BIGINT' : type]);
  expect(await describe('ours')).toEqual(await describe(expected));
  const [[count]] = await duck.rows(`SELECT count(*) FROM (${expected})`);
  expect(String(result.numRows)).toBe(String(count));
  expect(await duck.rows(`SELECT * FROM ours EXCEPT ALL (${expected})`)).toEqual([]);
  expect(await duck.rows(`(${expected}) EXCEPT ALL SELECT * FROM ours`)).toEqual([]);
}

const CASES: [string, string, Config, string][] = [
  ['sum of integers by one key', 't', { pivot: 'p', aggregate: 'sum(x)', group_by: ['g'] }, 'PIVOT t ON p USING sum(x) GROUP BY g'],
  ['count(*) by two keys, one with nulls', 't', { pivot: 'p', aggregate: 'count(*)', group_by: ['g', 'r'] }, 'PIVOT t ON p USING count(*) GROUP BY g, r'],
  ['count(col)', 't', { pivot: 'p', aggregate: 'count(x)', group_by: ['r'] }, 'PIVOT t ON p USING count(x) GROUP BY r'],
  ['avg of doubles', 't', { pivot: 'p', aggregate: 'avg(f)', group_by: ['g'] }, 'PIVOT t ON p USING avg(f) GROUP BY g'],
  ['min and max', 't', { pivot: 'r', aggregate: 'max(f)', group_by: ['p'] }, 'PIVOT t ON r USING max(f) GROUP BY p'],
  ['min of text', 't', { pivot: 'r', aggregate: 'min(p)', group_by: ['g'] }, 'PIVOT t ON r USING min(p) GROUP BY g'],
  ['first of a column fixed by the cell', 't', { pivot: 'p', aggregate: 'first(label)', group_by: ['g'] }, 'PIVOT t ON p USING first(label) GROUP BY g'],
  ['listed values, one not in the data', 't', { pivot: 'p', aggregate: 'sum(x)', group_by: ['g'], values: ['b', 'Ünï', 'zz'] }, `PIVOT t ON p IN ('b', 'Ünï', 'zz') USING sum(x) GROUP BY g`],
  ['an integer pivot column (names sorted as text)', 't', { pivot: 'k', aggregate: 'sum(f)', group_by: ['g'] }, 'PIVOT t ON k USING sum(f) GROUP BY g'],
  ['group_by left out: every other column', 'narrow', { pivot: 'p', aggregate: 'sum(x)' }, 'PIVOT narrow ON p USING sum(x)'],
  ['an empty input', 'e', { pivot: 'p', aggregate: 'sum(x)', group_by: ['g'] }, 'PIVOT e ON p USING sum(x) GROUP BY g'],
  ['an input filtered to nothing', 'f', { pivot: 'p', aggregate: 'count(*)', group_by: ['g', 'r'] }, 'PIVOT f ON p USING count(*) GROUP BY g, r'],
  ['an input filtered to nothing, listed values', 'f', { pivot: 'p', aggregate: 'sum(x)', group_by: ['g'], values: ['a', 'b'] }, `PIVOT f ON p IN ('a', 'b') USING sum(x) GROUP BY g`],
  ['an input filtered to nothing, no group_by', 'f', { pivot: 'p', aggregate: 'count(*)', group_by: [], values: ['a', 'b'] }, `SELECT count(*) FILTER (WHERE p = 'a') AS a, count(*) FILTER (WHERE p = 'b') AS b FROM f`],
];

describe('pivot_mod against DuckDB', () => {
  for (const [label, table, config, sql] of CASES) it(label, () => expectSame(table, config, sql), 60_000);

  it('spills past a tiny memory budget, partition by partition on the group keys, with discovered and listed values', async () => {
    for (const config of [{ pivot: 'p', aggregate: 'sum(x)', group_by: ['g', 'r'] }, { pivot: 'r', aggregate: 'avg(f)', group_by: ['g'], values: ['Süd', 'north', 'none'] }] satisfies Config[]) {
      const logs: string[] = [];
      const spilled = await ours('big', config, 16_384, logs);
      expect(logs).toContain('spilled to disk in partitions');
      const on = config.values ? `${config.pivot} IN (${config.values.map((v) => `'${v}'`).join(', ')})` : config.pivot;
      await expectSame('big', config, `PIVOT big ON ${on} USING ${config.aggregate} GROUP BY ${config.group_by.join(', ')}`, spilled);
    }
  }, 120_000);

  it('refuses more distinct values than max_columns, naming the count', async () => {
    await expect(ours('t', { pivot: 'k', aggregate: 'count(*)', group_by: ['g'], max_columns: 5 })).rejects.toThrow('the pivot column "k" has more distinct values than max_columns (5): 12 in its first 300 rows');
  });

  it('reports every config problem at once', async () => {
    await expect(ours('t', { pivot: 'nope', aggregate: 'median(zz)', group_by: ['g', 'gg'] })).rejects.toThrow(/pivot: .*nope.*group_by\.1: .*gg.*aggregate: .*zz/);
  });
});
