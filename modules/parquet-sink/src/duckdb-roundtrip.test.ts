import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Table } from 'apache-arrow';
import { openParquetBatches } from '@pypeline/parquet';
import { MemoryArtifact } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import parquetSink from './index.js';
import type { Config } from './config.js';

// Every column type DuckDB writes to Parquet goes through what parquet_source reads with
// (openParquetBatches, row group by row group) into parquet_sink, and DuckDB reads the output
// back: same column types, same rows (EXCEPT ALL both ways), same row count.
// HUGEINT is not a Parquet type: DuckDB itself writes it as DOUBLE, and so it comes back.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const ROWS = 5000;

// A UUID from the row number (md5 hex cut into the 8-4-4-4-12 form).
const UUID = (expr: string) => `(SELECT (substr(h,1,8)||'-'||substr(h,9,4)||'-'||substr(h,13,4)||'-'||substr(h,17,4)||'-'||substr(h,21,12))::UUID FROM (SELECT md5((${expr})::VARCHAR) AS h))`;
const uuidOf = (text: string) => createHash('md5').update(text).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const NUL = (i: number, expr: string) => `CASE WHEN i % ${i} = 3 THEN NULL ELSE ${expr} END`;

const GENERATE = `
SELECT
  i AS id,
  ${NUL(7, `[i, NULL, -i]::BIGINT[]`)}[1:(i % 4)] AS l,
  ${NUL(11, `[[i::INTEGER], []::INTEGER[], NULL, [1, 2, 3]]`)} AS ll,
  ${NUL(13, `{'a': i::INTEGER, 'b': 'ü-' || i, 'inner': {'x': [i / 4]::DOUBLE[], 'when': DATE '2000-01-01' + i::INTEGER}}`)} AS s,
  ${NUL(5, `MAP {'k' || (i % 3): i::INTEGER, 'é☃': NULL::INTEGER}`)} AS m,
  ${NUL(9, `((i - 2500) * 1.2345)::DECIMAL(18,4)`)} AS d18,
  ${NUL(9, `(CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END * (12345678901234567890.0123456789 + i))::DECIMAL(38,10)`)} AS d38,
  ${NUL(6, UUID('i'))} AS u,
  ${NUL(8, `[${UUID('i + 1')}, NULL]`)} AS lu,
  ${NUL(4, `TIMESTAMP '1969-12-31 23:59:59.999999' + INTERVAL (i * 3601001) MICROSECOND`)} AS ts,
  ${NUL(4, `TIMESTAMPTZ '2024-03-31 01:59:59.5+02' + INTERVAL (i * 977) SECOND`)} AS tstz,
  ${NUL(10, `DATE '1900-02-28' + (i * 53)::INTEGER`)} AS d,
  ${NUL(10, `TIME '00:00:00' + INTERVAL (i * 17123457) MICROSECOND`)} AS tm,
  ${NUL(12, `('\\x00\\xFF' || i)::BLOB`)} AS b,
  ${NUL(7, `CASE i % 3 WHEN 0 THEN 9223372036854775807 - i WHEN 1 THEN -9223372036854775807 + i ELSE 9007199254740993 + i END`)} AS big,
  ${NUL(7, `(170141183460469231731687303715884105727 - i)::HUGEINT`)} AS huge,
  ${NUL(3, `CASE i % 4 WHEN 0 THEN '' WHEN 1 THEN 'naïve "quoted", ☃ 🎉' ELSE 'row ' || i END`)} AS txt
FROM range(${ROWS}) r(i)`;

let duck: TestDuckDb;

const rows = (sql: string) => duck.rows(sql);

async function types(path: string): Promise<string[][]> {
  return (await rows(`DESCRIBE SELECT * FROM '${path}'`)).map((r) => [String(r[0]), String(r[1])]);
}

/** parquet_source's reading (openParquetBatches) fed as a stream into parquet_sink. */
async function throughSink(input: string, output: string, config: Partial<Config> = {}): Promise<void> {
  const file = await openParquetBatches(input);
  const artifact = new MemoryArtifact(new Table(file.schema));
  artifact.batches = () => file.batches();
  const ctx = createTestContext<Config>({ config: { output_path: output, ...config }, manifest: MANIFEST, moduleId: 'sink' });
  await parquetSink.run({ input: artifact }, ctx);
}

describe('DuckDB Parquet → parquet_source → parquet_sink → DuckDB', () => {
  beforeAll(async () => {
    duck = await openDuckDb();
  });
  afterAll(() => duck.close());

  it('keeps every column type and value, across several row groups', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-duckdb-'));
    const input = join(dir, 'in.parquet');
    const output = join(dir, 'out.parquet');
    await duck.run(`COPY (${GENERATE}) TO '${input}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    await throughSink(input, output, { row_group_size: 1500 });

    const expected = [
      ['id', 'BIGINT'], ['l', 'BIGINT[]'], ['ll', 'INTEGER[][]'],
      ['s', 'STRUCT(a INTEGER, b VARCHAR, "inner" STRUCT(x DOUBLE[], "when" DATE))'], ['m', 'MAP(VARCHAR, INTEGER)'],
      ['d18', 'DECIMAL(18,4)'], ['d38', 'DECIMAL(38,10)'], ['u', 'UUID'], ['lu', 'UUID[]'],
      ['ts', 'TIMESTAMP'], ['tstz', 'TIMESTAMP WITH TIME ZONE'], ['d', 'DATE'], ['tm', 'TIME'], ['b', 'BLOB'],
      ['big', 'BIGINT'], ['huge', 'DOUBLE'], ['txt', 'VARCHAR'],
    ];
    expect(await types(input)).toEqual(expected);
    expect(await types(output)).toEqual(expected);
    expect(await rows(`SELECT count(*) FROM '${output}'`)).toEqual([[String(ROWS)]]);
    expect(await rows(`SELECT * FROM '${input}' EXCEPT ALL SELECT * FROM '${output}'`)).toEqual([]);
    expect(await rows(`SELECT * FROM '${output}' EXCEPT ALL SELECT * FROM '${input}'`)).toEqual([]);
    // The values survive, not only their equality: spot checks of the hard ones.
    expect(await rows(`SELECT big::VARCHAR, u::VARCHAR, d38::VARCHAR FROM '${output}' WHERE id = 2`)).toEqual([
      ['9007199254740995', uuidOf('2'), '12345678901234567892.0123456789'],
    ]);
  }, 120_000);

  it('keeps the types of an empty file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-duckdb-'));
    const input = join(dir, 'in.parquet');
    const output = join(dir, 'out.parquet');
    await duck.run(`COPY (${GENERATE} LIMIT 0) TO '${input}' (FORMAT parquet)`);
    await throughSink(input, output);
    expect(await types(output)).toEqual(await types(input));
    expect(await rows(`SELECT count(*) FROM '${output}'`)).toEqual([['0']]);
  }, 120_000);
});
