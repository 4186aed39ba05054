import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { MemoryArtifact, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing, openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { takeRows } from '@pypeline/verbs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import unpivotMod from './index.js';
import type { Config } from './config.js';

// unpivot_mod against DuckDB's UNPIVOT on the same input (made by DuckDB, read through Parquet as
// a flow reads it): nulls (excluded or kept), duplicate rows, unicode names and values, value
// types that widen, an empty input. DuckDB checks our output's names, types and rows.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const WORD = `(['ann', 'Ünïcödé', '東京', '😀 smile', '', 'o''brien'])[i % 6 + 1]`;
const nullEvery = (n: number, expr: string) => `CASE WHEN i % ${n} = 2 THEN NULL ELSE ${expr} END`;

const INPUT = `SELECT (i % 17)::INTEGER AS id, ${nullEvery(7, WORD)} AS "näme",
  ${nullEvery(3, '(i % 5)::INTEGER')} AS q1, ${nullEvery(4, '(i % 4)::BIGINT')} AS q2, ${nullEvery(5, '(i % 6) / 4')}::DOUBLE AS q3,
  ${nullEvery(6, '(i % 3)::SMALLINT')} AS "q4 ☃", ${nullEvery(5, `'t' || (i % 3)`)} AS tag,
  ${nullEvery(3, `DATE '2020-02-28' + (i % 4)::INTEGER`)} AS d1, ${nullEvery(4, `TIMESTAMP '2021-01-01 10:00:00' + INTERVAL (i % 5) MINUTE`)} AS d2
FROM range(120) r(i)`;

let duck: TestDuckDb;
let input: Table;
let empty: Table;

beforeAll(async () => {
  duck = await openDuckDb();
  await duck.run(`CREATE TABLE t AS ${INPUT}`);
  await duck.run(`CREATE TABLE e AS SELECT * FROM t LIMIT 0`);
  await duck.run(`CREATE TABLE f AS SELECT * FROM t WHERE false`);
  input = await duck.table('SELECT * FROM t');
  empty = await duck.table('SELECT * FROM e');
}, 60_000);
afterAll(() => duck.close());

async function ours(table: Table, config: Config): Promise<Table> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'rows' });
  const outputs = (await unpivotMod.run({ input: new MemoryArtifact(table) }, ctx)) as ModuleOutputs;
  return await toTable(outputs.output as ModuleOutput);
}

async function expectSame(table: string, config: Config, on: string): Promise<void> {
  // f: t filtered to nothing (0-row batches as filter_mod leaves them)
  const result = await ours(table === 't' ? input : table === 'f' ? filteredToNothing(input, takeRows) : empty, config);
  await duck.register('ours', result);
  const [name, value] = [config.name_column ?? 'name', config.value_column ?? 'value'];
  // INCLUDE NULLS has only the SQL standard form.
  const expected = config.include_nulls
    ? `SELECT * FROM ${table} UNPIVOT INCLUDE NULLS ("${value}" FOR "${name}" IN (${on}))`
    : `SELECT * FROM (UNPIVOT ${table} ON ${on} INTO NAME "${name}" VALUE "${value}")`;
  const describe = async (sql: string) => (await duck.rows(`DESCRIBE ${sql}`)).map((c) => c.slice(0, 2));
  expect(await describe('ours')).toEqual(await describe(expected));
  const [[count]] = await duck.rows(`SELECT count(*) FROM (${expected})`);
  expect(String(result.numRows)).toBe(String(count));
  expect(await duck.rows(`SELECT * FROM ours EXCEPT ALL (${expected})`)).toEqual([]);
  expect(await duck.rows(`(${expected}) EXCEPT ALL SELECT * FROM ours`)).toEqual([]);
}

const CASES: [string, Config, string][] = [
  ['INTEGER, BIGINT, DOUBLE and SMALLINT widen to DOUBLE', { columns: ['q1', 'q2', 'q3', 'q4 ☃'] }, 'q1, q2, q3, "q4 ☃"'],
  ['integers widen to BIGINT, other names', { columns: ['q2', 'q1'], name_column: 'quarter', value_column: 'amount' }, 'q2, q1'],
  ['a pattern', { columns_pattern: '^q' }, `COLUMNS('^q')`],
  ['text columns', { columns: ['näme', 'tag'] }, '"näme", tag'],
  ['a date meets a timestamp', { columns: ['d1', 'd2'] }, 'd1, d2'],
];

describe('unpivot_mod against DuckDB', () => {
  for (const [label, config, on] of CASES) {
    for (const include_nulls of [false, true]) {
      it(`${label}${include_nulls ? ', nulls included' : ''}`, () => expectSame('t', { ...config, include_nulls }, on), 60_000);
    }
  }

  it('an empty input', () => expectSame('e', { columns: ['q1', 'q3'] }, 'q1, q3'), 60_000);

  for (const include_nulls of [false, true]) {
    it(`an input filtered to nothing${include_nulls ? ', nulls included' : ''}`, async () => {
      await expectSame('f', { columns: ['q1', 'q2', 'q3', 'q4 ☃'], include_nulls }, 'q1, q2, q3, "q4 ☃"');
      await expectSame('f', { columns: ['näme', 'tag'], include_nulls }, '"näme", tag');
    }, 60_000);
  }

  it('refuses columns whose types do not meet, as DuckDB does, naming them', async () => {
    await expect(duck.rows('UNPIVOT t ON q1, tag')).rejects.toThrow('Cannot unpivot columns of types INTEGER and VARCHAR');
    await expect(ours(input, { columns: ['q1', 'tag'] })).rejects.toThrow('cannot unpivot columns of types INTEGER and VARCHAR (q1 INTEGER, tag VARCHAR)');
  });

  it('reports every config problem at once', async () => {
    await expect(ours(input, { columns: ['q1', 'nope', 'id'], name_column: 'id' })).rejects.toThrow(/columns\.1: .*nope.*name_column: "id" is also a column the output keeps|columns\.1: .*nope/);
    await expect(ours(input, { columns_pattern: '^zz' })).rejects.toThrow('columns_pattern: matches none of the input\'s columns');
    await expect(ours(input, {})).rejects.toThrow('no columns to unpivot');
  });
});
