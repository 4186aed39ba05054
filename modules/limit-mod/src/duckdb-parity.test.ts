import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { MemoryArtifact, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing, inBatchesOf, openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { takeRows } from '@pypeline/verbs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import limitMod from './index.js';
import type { Config } from './config.js';

// limit_mod's deterministic parts against DuckDB's LIMIT … OFFSET … on the same input (made by
// DuckDB, read through Parquet as a flow reads it, in batches of 97 rows): nulls, duplicate rows,
// unicode; an empty input and one filtered to nothing. `id` numbers the rows in input order, so
// DuckDB's `ORDER BY id` is the order limit_mod keeps. A sample of at least every row is every row.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const WORD = `(['ann', 'Ünïcödé', '東京', '😀 smile', '', 'o''brien'])[i % 6 + 1]`;
const nullEvery = (n: number, expr: string) => `CASE WHEN i % ${n} = 2 THEN NULL ELSE ${expr} END`;
const INPUT = `SELECT i::INTEGER AS id, ${nullEvery(5, WORD)} AS name, ${nullEvery(4, '(i % 3)::BIGINT')} AS k, ${nullEvery(7, '(i % 5) / 2')}::DOUBLE AS x FROM range(1000) r(i)`;

let duck: TestDuckDb;
const tables = new Map<string, Table>();

beforeAll(async () => {
  duck = await openDuckDb();
  await duck.run(`CREATE TABLE t AS ${INPUT}`);
  await duck.run('CREATE TABLE e AS SELECT * FROM t LIMIT 0');
  await duck.run('CREATE TABLE f AS SELECT * FROM t WHERE false');
  tables.set('t', inBatchesOf(await duck.table('SELECT * FROM t ORDER BY id'), 97));
  tables.set('e', await duck.table('SELECT * FROM e'));
  tables.set('f', filteredToNothing(tables.get('t')!, takeRows));
}, 60_000);
afterAll(() => duck.close());

async function expectSame(table: string, config: Config, clause: string): Promise<void> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'top' });
  const result = await toTable(((await limitMod.run({ input: new MemoryArtifact(tables.get(table)!) }, ctx)) as ModuleOutputs).output as ModuleOutput);
  expect(ctx.globals.get('row_count')).toBe(result.numRows);
  await duck.register('ours', result);
  const expected = `SELECT * FROM ${table} ORDER BY id ${clause}`;
  const describe = async (sql: string) => (await duck.rows(`DESCRIBE ${sql}`)).map((c) => c.slice(0, 2));
  expect(await describe('ours')).toEqual(await describe(`(${expected})`));
  // In order: limit_mod keeps the input's order.
  expect(await duck.rows('SELECT * FROM ours')).toEqual(await duck.rows(expected));
}

const CASES: [string, Config, string][] = [
  ['a limit within the first batch', { limit: 10 }, 'LIMIT 10'],
  ['a limit and an offset across batches', { limit: 150, offset: 90 }, 'LIMIT 150 OFFSET 90'],
  ['an offset only', { offset: 950 }, 'OFFSET 950'],
  ['an offset past the end', { offset: 5000, limit: 3 }, 'LIMIT 3 OFFSET 5000'],
  ['limit 0', { limit: 0 }, 'LIMIT 0'],
  ['a limit past the end', { limit: 5000 }, 'LIMIT 5000'],
  ['a sample of more rows than there are', { sample_rows: 5000 }, ''],
];

describe('limit_mod against DuckDB LIMIT/OFFSET', () => {
  for (const [label, config, clause] of CASES) {
    for (const table of ['t', 'e', 'f']) {
      it(`${label}${table === 'e' ? ', empty input' : table === 'f' ? ', input filtered to nothing' : ''}`, () => expectSame(table, config, clause), 60_000);
    }
  }

  it('the generated input has nulls, duplicates and unicode', async () => {
    const [[nulls, names, east]] = await duck.rows(`SELECT count(*) FILTER (name IS NULL), count(DISTINCT name), count(*) FILTER (name = '東京') FROM t`);
    expect([Number(nulls) > 0, Number(names) < 10, Number(east) > 0]).toEqual([true, true, true]);
  });
});
