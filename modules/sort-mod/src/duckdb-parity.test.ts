import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { MemoryArtifact, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing, inBatchesOf, openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { Float64, Int32, Table, Utf8, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { takeRows } from '@pypeline/verbs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sortMod from './index.js';
import type { Config } from './config.js';

// sort_mod against DuckDB's ORDER BY with NULLS FIRST/LAST per key, on generated data with
// nulls, many duplicates and unicode (DuckDB's default collation compares bytes, as sort_mod
// does). Every case ends with the unique `id`, so the order is total and compared exactly.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const WORDS = ['', 'a', 'A', 'b', 'é', 'e\u0301', 'zürich', '東京', '🙂', 'Ωmega', 'a b', "it's"];
const ROWS = 3000;

function generate(rows: number) {
  let seed = 12345;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const maybe = <T>(f: () => T): T | null => (next() < 0.15 ? null : f());
  const id = Array.from({ length: rows }, (_, i) => (i * 7919) % rows);
  const k = id.map(() => maybe(() => Math.floor(next() * 20) - 5));
  const s = id.map(() => maybe(() => WORDS[Math.floor(next() * WORDS.length)]));
  const x = id.map(() => maybe(() => [0, 1.5, -2.25, 1e300, -1e-300, 42][Math.floor(next() * 6)]));
  return { id, k, s, x };
}

const data = generate(ROWS);
const table = new Table({ id: vectorFromArray(data.id, new Int32()), k: vectorFromArray(data.k, new Int32()), s: vectorFromArray(data.s, new Utf8()), x: vectorFromArray(data.x, new Float64()) });

let db: DuckDBInstance;
let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:', { threads: '1' });
  connection = await db.connect();
  await connection.run('CREATE TABLE t (id INTEGER, k INTEGER, s VARCHAR, x DOUBLE)');
  const literal = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v));
  const values = data.id.map((id, i) => `(${id}, ${literal(data.k[i])}, ${literal(data.s[i])}, ${literal(data.x[i])})`);
  await connection.run(`INSERT INTO t VALUES ${values.join(', ')}`);
});
afterAll(() => {
  connection?.closeSync();
  db?.closeSync();
});

async function sorted(config: Config, input: Table, memoryBudget?: number, logs: string[] = []): Promise<unknown[][]> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'sort', memoryBudget });
  const out = ((await sortMod.run({ input: new MemoryArtifact(input) }, ctx)) as ModuleOutputs).output as Table | AsyncIterable<RecordBatch>;
  const batches: RecordBatch[] = [];
  if (out instanceof Table) batches.push(...out.batches);
  else for await (const batch of out) batches.push(batch);
  logs.push(...ctx.logs.map((l) => l.msg));
  return batches.flatMap((b) => b.toArray().map((r) => [r.id, r.k, r.s, r.x]));
}

async function duckdb(orderBy: string, where = 'true'): Promise<unknown[][]> {
  return (await connection.runAndReadAll(`SELECT id, k, s, x FROM t WHERE ${where} ORDER BY ${orderBy}`)).getRowsJS();
}

const CASES: [Config, string][] = [
  [{ by: ['k desc nulls last', 's nulls first', 'id'] }, 'k DESC NULLS LAST, s ASC NULLS FIRST, id'],
  [{ by: ['s desc', 'x NULLS FIRST', 'id'], nulls: 'first' }, 's DESC NULLS FIRST, x ASC NULLS FIRST, id'],
  [{ by: ['x asc nulls last', 'k desc nulls first', 's', 'id desc'] }, 'x ASC NULLS LAST, k DESC NULLS FIRST, s ASC NULLS LAST, id DESC'],
  [{ by: ['s', 'k desc', 'id'] }, 's ASC NULLS LAST, k DESC NULLS LAST, id'],
  // Numbers only: radix passes over every key, nulls of each key placed by their own pass.
  [{ by: ['k nulls first', 'x desc nulls last', 'id desc'] }, 'k ASC NULLS FIRST, x DESC NULLS LAST, id DESC'],
];

describe('sort_mod against DuckDB ORDER BY', () => {
  it.each(CASES)('%j gives ORDER BY %s', async (config, orderBy) => {
    const ours = await sorted(config, table);
    expect(ours).toHaveLength(ROWS);
    expect(ours).toEqual(await duckdb(orderBy));
  }, 60_000);

  it('gives no rows for an empty input, as DuckDB does', async () => {
    expect(await sorted(CASES[0][0], table.slice(0, 0))).toEqual([]);
    expect(await duckdb(CASES[0][1], 'false')).toEqual([]);
  });

  it('gives no rows for an input filtered to nothing (0-row batches as filter_mod leaves them), in memory and at a tiny budget', async () => {
    for (const [config, orderBy] of CASES) {
      expect(await duckdb(orderBy, 'false')).toEqual([]);
      for (const budget of [undefined, 4096]) expect(await sorted(config, filteredToNothing(inBatchesOf(table, 250), takeRows), budget)).toEqual([]);
    }
  }, 60_000);

  it('agrees at a tiny budget (sorted runs spilled and merged)', async () => {
    for (const [config, orderBy] of CASES) {
      const logs: string[] = [];
      expect(await sorted(config, inBatchesOf(table, 250), 16_384, logs)).toEqual(await duckdb(orderBy));
      expect(logs.some((m) => /spill/i.test(m)), logs.join('; ')).toBe(true);
    }
  }, 120_000);
});

// Every key type read straight from its buffers (packages/verbs order-column.ts), against DuckDB's
// own data: 64-bit integers beyond 2^53 and negative, unsigned above 2^63, NaN, infinities and
// -0, decimals of 64 and 128 bits, timestamps before 1970, dates, booleans, text and binary.
// Only the order of `id` is compared, so no value has to cross between the two.
describe('sort_mod orders every key type as DuckDB does', () => {
  const COLUMNS = ['big', 'u', 'd', 'dec', 'dec38', 'ts', 'tz', 'dt', 'b', 's', 'bin'];
  let duck: TestDuckDb;
  let typed: Table;
  beforeAll(async () => {
    duck = await openDuckDb();
    await duck.run(`CREATE TABLE typed AS SELECT i::INTEGER AS id,
      CASE WHEN i % 5 = 0 THEN NULL WHEN i % 3 = 0 THEN (hash(i) % 100)::BIGINT - 50 ELSE ((hash(i) % 2001)::BIGINT - 1000) * 9007199254740993 END AS big,
      CASE WHEN i % 6 = 0 THEN NULL WHEN i % 4 = 0 THEN hash(i) % 10 ELSE hash(i) END AS u,
      CASE i % 9 WHEN 0 THEN NULL WHEN 1 THEN 'NaN'::DOUBLE WHEN 2 THEN '-inf'::DOUBLE WHEN 3 THEN 'inf'::DOUBLE WHEN 4 THEN -0.0::DOUBLE WHEN 5 THEN 0.0::DOUBLE ELSE (hash(i) % 1000)::DOUBLE / 7 - 70 END AS d,
      CASE WHEN i % 7 = 0 THEN NULL ELSE (((hash(i) % 200000)::BIGINT - 100000)::DECIMAL(18,4) / 100)::DECIMAL(18,4) END AS dec,
      CASE WHEN i % 8 = 0 THEN NULL ELSE (((hash(i) % 2000)::HUGEINT - 1000) * 1000000000000000000000 + (hash(i) % 97))::DECIMAL(38,10) END AS dec38,
      CASE WHEN i % 10 = 0 THEN NULL ELSE epoch_ms((hash(i) % 4000000000000)::BIGINT - 2000000000000) END AS ts,
      CASE WHEN i % 10 = 1 THEN NULL ELSE epoch_ms((hash(i) % 4000000000000)::BIGINT - 2000000000000)::TIMESTAMPTZ END AS tz,
      CASE WHEN i % 11 = 0 THEN NULL ELSE DATE '1970-01-01' + ((hash(i) % 40000)::INTEGER - 20000) END AS dt,
      CASE WHEN i % 4 = 0 THEN NULL ELSE hash(i) % 2 = 0 END AS b,
      CASE WHEN i % 12 = 0 THEN NULL ELSE ['', 'a', 'A', 'é', 'e' || chr(769), '東京', '🙂', chr(65535), 'ab', 'a b'][(hash(i) % 10)::INTEGER + 1] END AS s,
      CASE WHEN i % 13 = 0 THEN NULL ELSE encode(['', 'a', 'A', 'é', '東京', '🙂', 'ab'][(hash(i) % 7)::INTEGER + 1]) END AS bin
      FROM range(1500) r(i)`);
    typed = await duck.table('SELECT * FROM typed');
  }, 60_000);
  afterAll(() => duck?.close());

  const ids = (rows: unknown[][]) => rows.map((r) => Number(r[0]));
  async function ourIds(by: string[], input: Table, memoryBudget?: number): Promise<number[]> {
    const ctx = createTestContext<Config>({ config: { by }, manifest: MANIFEST, moduleId: 'sort', memoryBudget });
    const out = ((await sortMod.run({ input: new MemoryArtifact(input) }, ctx)) as ModuleOutputs).output as Table | AsyncIterable<RecordBatch>;
    const batches: RecordBatch[] = [];
    if (out instanceof Table) batches.push(...out.batches);
    else for await (const batch of out) batches.push(batch);
    return batches.flatMap((b) => Array.from(b.getChild('id')!.toArray() as Int32Array));
  }

  it.each(COLUMNS)('by %s, both directions and both null places, in memory and spilled', async (column) => {
    for (const dir of ['asc', 'desc']) {
      for (const nulls of ['first', 'last']) {
        const expected = ids(await duck.rows(`SELECT id FROM typed ORDER BY ${column} ${dir.toUpperCase()} NULLS ${nulls.toUpperCase()}, id`));
        expect(expected).toHaveLength(1500);
        const by = [`${column} ${dir} nulls ${nulls}`, 'id'];
        expect(await ourIds(by, typed), `${by.join(', ')} in memory`).toEqual(expected);
        expect(await ourIds(by, inBatchesOf(typed, 100), 8192), `${by.join(', ')} spilled`).toEqual(expected);
      }
    }
  }, 120_000);
});
