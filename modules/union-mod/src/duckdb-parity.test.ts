import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { MemoryArtifact, inputKey, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing, inBatchesOf, openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { takeRows } from '@pypeline/verbs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import unionMod from './index.js';
import type { Config } from './config.js';

// union_mod against DuckDB's UNION [ALL] [BY NAME] on the same inputs (made by DuckDB, read
// through Parquet as a flow reads them): nulls, duplicate rows, unicode, empty inputs, columns
// missing from some inputs and types that widen. Our output goes back to DuckDB, which checks
// the column names and types (DESCRIBE) and the rows (EXCEPT ALL both ways: a multiset).

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const WORD = `(['ann', 'Ünïcödé', '東京', '😀 smile', '', 'o''brien', 'zoë'])[i % 7 + 1]`;
const nullEvery = (n: number, expr: string) => `CASE WHEN i % ${n} = 2 THEN NULL ELSE ${expr} END`;

const INPUTS: Record<string, string> = {
  // 25 distinct rows, each three or four times
  ints: `SELECT i::INTEGER AS id, ${nullEvery(5, WORD)} AS name, ${nullEvery(4, '(i % 6)::INTEGER')} AS amount FROM (SELECT i % 25 AS i FROM range(90) r(i))`,
  // other column order, BIGINT id, DOUBLE amount, a column the others lack
  wide: `SELECT ${nullEvery(3, '(i % 7) * 1.5')}::DOUBLE AS amount, (i % 20)::BIGINT AS id, ${nullEvery(6, WORD)} AS name, 'tag ' || (i % 3) AS tag FROM range(40) r(i)`,
  subset: `SELECT ${nullEvery(4, WORD)} AS name, (i % 5)::INTEGER AS id FROM range(12) r(i)`,
  empty: `SELECT 1::INTEGER AS id, DATE '2020-01-01' AS day FROM range(0)`,
  stamps: `SELECT (i % 3)::INTEGER AS id, ${nullEvery(4, `TIMESTAMP '2020-01-02 03:04:05' + INTERVAL (i * 7) HOUR`)} AS day FROM range(9) r(i)`,
  dates: `SELECT (i % 4)::SMALLINT AS id, ${nullEvery(5, `DATE '1999-12-30' + (i * 40)::INTEGER`)} AS day FROM range(10) r(i)`,
  texts: `SELECT (i % 6)::INTEGER AS id, ${nullEvery(3, `'#' || i`)} AS amount FROM range(8) r(i)`,
  pos3: `SELECT (i % 9)::BIGINT AS code, ${nullEvery(3, WORD)} AS label, ${nullEvery(5, '(i % 4) / 4')}::DOUBLE AS score FROM range(30) r(i)`,
  nothing: `SELECT 'x' AS name, 1::INTEGER AS id FROM range(0)`,
  // larger inputs for the out-of-core run: ~1,000 distinct rows among 6,000
  big1: `SELECT (i % 400)::INTEGER AS id, ${nullEvery(5, WORD)} AS name, ${nullEvery(4, '(i % 3)::INTEGER')} AS amount FROM range(3000) r(i)`,
  big2: `SELECT ${nullEvery(7, '(i % 5) * 1.5')}::DOUBLE AS amount, (i % 300)::BIGINT AS id, ${nullEvery(6, WORD)} AS name FROM range(3000) r(i)`,
};

let duck: TestDuckDb;
const tables = new Map<string, Table>();

beforeAll(async () => {
  duck = await openDuckDb();
  for (const [name, sql] of Object.entries(INPUTS)) {
    await duck.run(`CREATE TABLE ${name} AS ${sql}`);
    tables.set(name, await duck.table(`SELECT * FROM ${name}`));
  }
  // Inputs downstream of a filter that matched nothing: 0-row batches as filter_mod leaves them.
  for (const name of ['ints', 'wide']) {
    await duck.run(`CREATE TABLE ${name}_none AS SELECT * FROM ${name} WHERE false`);
    tables.set(`${name}_none`, filteredToNothing(tables.get(name)!, takeRows));
  }
}, 60_000);
afterAll(() => duck.close());

/** Our result; with a `memoryBudget` the inputs come in 250-row batches, so a small budget spills (`logs` gets the log messages). */
async function ours(names: string[], config: Config, memoryBudget?: number, logs: string[] = []): Promise<Table> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'all', memoryBudget });
  const sliced = (t: Table) => (memoryBudget === undefined ? t : inBatchesOf(t, 250));
  const inputs = Object.fromEntries(names.map((n, i) => [inputKey('inputs', i), new MemoryArtifact(sliced(tables.get(n)!))]));
  const outputs = (await unionMod.run(inputs, ctx)) as ModuleOutputs;
  const table = await toTable(outputs.output as ModuleOutput);
  logs.push(...ctx.logs.map((l) => l.msg));
  expect(ctx.globals.get('row_count')).toBe(table.numRows);
  return table;
}

function duckSql(names: string[], config: Config): string {
  if (names.length === 1) return `SELECT${config.distinct ? ' DISTINCT' : ''} * FROM ${names[0]}`;
  const op = `UNION${config.distinct ? '' : ' ALL'}${config.by_name === false ? '' : ' BY NAME'}`;
  return names.map((n) => `SELECT * FROM ${n}`).join(` ${op} `);
}

async function expectSame(names: string[], config: Config, result?: Table): Promise<void> {
  result ??= await ours(names, config);
  await duck.register('ours', result);
  const expected = duckSql(names, config);
  expect(await duck.rows('DESCRIBE ours').then((r) => r.map((c) => c.slice(0, 2)))).toEqual(await duck.rows(`DESCRIBE ${expected}`).then((r) => r.map((c) => c.slice(0, 2))));
  const [[count]] = await duck.rows(`SELECT count(*) FROM (${expected})`);
  expect(String(result.numRows)).toBe(String(count));
  expect(await duck.rows(`SELECT * FROM ours EXCEPT ALL (${expected})`)).toEqual([]);
  expect(await duck.rows(`(${expected}) EXCEPT ALL SELECT * FROM ours`)).toEqual([]);
}

const CASES: [string, string[]][] = [
  ['by name, widening INTEGER/BIGINT/DOUBLE, a column some inputs lack, an empty input', ['ints', 'wide', 'subset', 'empty']],
  ['a date meeting a timestamp, SMALLINT meeting INTEGER', ['dates', 'stamps', 'empty']],
  ['numbers meeting text (cast to VARCHAR as DuckDB writes them)', ['wide', 'texts', 'ints']],
  ['one input', ['ints']],
  ['only empty inputs', ['empty', 'nothing']],
  ['an input filtered to nothing among others', ['ints_none', 'wide', 'ints']],
  ['only inputs filtered to nothing', ['ints_none', 'wide_none']],
];

describe('union_mod against DuckDB', () => {
  for (const [label, names] of CASES) {
    for (const distinct of [false, true]) {
      it(`${label}${distinct ? ' (distinct)' : ''}`, () => expectSame(names, { distinct }), 60_000);
    }
  }

  it.each([false, true])('by position, names from the first input (distinct: %s)', (distinct) => expectSame(['ints', 'pos3', 'ints'], { by_name: false, distinct }), 60_000);

  it('distinct spills past a tiny memory budget, partition by partition, and keeps the same rows', async () => {
    const logs: string[] = [];
    const names = ['big1', 'big2', 'ints'];
    const spilled = await ours(names, { distinct: true }, 16_384, logs);
    expect(logs).toContain('spilled to disk in partitions');
    await expectSame(names, { distinct: true }, spilled);
    const inMemory: string[] = [];
    await ours(names, { distinct: true }, 64 * 2 ** 20, inMemory);
    expect(inMemory).not.toContain('spilled to disk in partitions');
  }, 120_000);

  it('the generated inputs have duplicate rows, nulls and unicode', async () => {
    const [[all, unique, nulls, east]] = await duck.rows(`SELECT count(*), count(DISTINCT (id, name, amount)), count(*) FILTER (name IS NULL), count(*) FILTER (name = '東京') FROM ints`);
    expect(Number(unique)).toBeLessThan(Number(all) / 3);
    expect(Number(nulls)).toBeGreaterThan(0);
    expect(Number(east)).toBeGreaterThan(0);
  });

  it('refuses types that do not meet, naming the input and the column, as DuckDB refuses them', async () => {
    await expect(duck.rows(duckSql(['ints', 'dates'], {}).replace('dates', '(SELECT id, day AS amount FROM dates)'))).rejects.toThrow(/cast/i);
    await duck.run('CREATE OR REPLACE TABLE clash AS SELECT id, day AS amount FROM dates');
    tables.set('clash', await duck.table('SELECT * FROM clash'));
    await expect(ours(['ints', 'subset', 'clash'], {})).rejects.toThrow('column "amount" of inputs[2] is DATE, which does not meet INTEGER (inputs[0] INTEGER)');
  }, 60_000);

  it('refuses inputs of different widths by position, naming them', async () => {
    await expect(ours(['ints', 'subset'], { by_name: false })).rejects.toThrow('inputs[1] has 2 columns (name, id) but inputs[0] has 3 (id, name, amount)');
  }, 60_000);
});
