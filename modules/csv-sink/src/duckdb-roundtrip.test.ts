import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readParquetFile } from '@pypeline/parquet';
import { MemoryArtifact } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import csvSink from './index.js';
import type { Config } from './config.js';

// DuckDB makes a table of every flat type (through Parquet, how such columns reach a flow),
// csv_sink writes it, and DuckDB's read_csv reads it back with the source's column types: the
// rows are the same (EXCEPT ALL both ways), for the default options and for a file with every
// option changed.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const ROWS = 3000;
const NUL = (n: number, expr: string) => `CASE WHEN i % ${n} = 3 THEN NULL ELSE ${expr} END`;

const GENERATE = `
SELECT
  i AS id,
  ${NUL(7, `CASE i % 3 WHEN 0 THEN 9223372036854775807 - i WHEN 1 THEN -9223372036854775807 + i ELSE 9007199254740993 + i END`)} AS big,
  ${NUL(9, `((i - 1000) * 1.2345)::DECIMAL(18,4)`)} AS d18,
  ${NUL(9, `(CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END * (12345678901234567890.0123456789 + i))::DECIMAL(38,10)`)} AS d38,
  ${NUL(8, `i / 7`)} AS f,
  ${NUL(6, `i % 2 = 0`)} AS ok,
  ${NUL(4, `TIMESTAMP '1969-12-31 23:59:59.999999' + INTERVAL (i * 3601001) MICROSECOND`)} AS ts,
  ${NUL(4, `TIMESTAMPTZ '2024-03-31 01:59:59.5+02' + INTERVAL (i * 977) SECOND`)} AS tstz,
  ${NUL(10, `DATE '1900-02-28' + (i * 53)::INTEGER`)} AS d,
  ${NUL(10, `TIME '00:00:00' + INTERVAL (i * 17123457) MICROSECOND`)} AS tm,
  ${NUL(6, `md5(i::VARCHAR)::UUID`)} AS u,
  ${NUL(3, `CASE i % 8 WHEN 0 THEN '' WHEN 1 THEN 'naïve "quoted", ☃ 🎉' WHEN 2 THEN 'two' || chr(10) || 'lines; and' || chr(13) || chr(10) || 'crlf' WHEN 3 THEN ' padded ' WHEN 4 THEN 'NULL' WHEN 5 THEN '''single''' WHEN 6 THEN 'tab' || chr(9) || 'here' ELSE 'row ' || i END`)} AS txt
FROM range(${ROWS}) r(i)`;

let duck: TestDuckDb;
let parquet: string;
let dir: string;

async function roundTrip(config: Omit<Config, 'output_path'>, readOptions: string) {
  const output = join(dir, `out-${Math.random().toString(36).slice(2)}.csv`);
  const ctx = createTestContext<Config>({ config: { output_path: output, ...config }, manifest: MANIFEST, moduleId: 'out' });
  await csvSink.run({ input: new MemoryArtifact(await readParquetFile(parquet)) }, ctx);
  const described = await duck.rows(`DESCRIBE SELECT * FROM '${parquet}'`);
  const columns = `{${described.map(([name, type]) => `'${name}': '${type}'`).join(', ')}}`;
  const back = `read_csv('${output}', columns = ${columns}, allow_quoted_nulls = false, ${readOptions})`;
  const source = `'${parquet}'`;
  expect(await duck.rows(`SELECT count(*) FROM ${back}`)).toEqual([[String(ROWS)]]);
  expect(await duck.rows(`SELECT * FROM ${source} EXCEPT ALL SELECT * FROM ${back}`)).toEqual([]);
  expect(await duck.rows(`SELECT * FROM ${back} EXCEPT ALL SELECT * FROM ${source}`)).toEqual([]);
  return readFileSync(output, 'utf8');
}

describe('csv_sink against DuckDB read_csv', () => {
  beforeAll(async () => {
    duck = await openDuckDb();
    dir = mkdtempSync(join(tmpdir(), 'csv-duckdb-'));
    parquet = join(dir, 'in.parquet');
    await duck.run(`COPY (${GENERATE}) TO '${parquet}' (FORMAT parquet)`);
  }, 120_000);
  afterAll(() => duck.close());

  it('reads back the same rows with the default options', async () => {
    const text = await roundTrip({}, `header = true, delim = ',', quote = '"', escape = '"', nullstr = ''`);
    expect(text.startsWith('id,big,d18,d38,f,ok,ts,tstz,d,tm,u,txt\n')).toBe(true);
    // Exact past 2^53 and at 38 digits, in the text itself.
    expect(text).toContain(',9223372036854775807,');
    expect(text).toContain(',12345678901234567890.0123456789,');
  }, 120_000);

  it('reads back the same rows with ; and \' quoting all, CRLF, a BOM and NULL for nulls', async () => {
    const text = await roundTrip(
      { delimiter: ';', quote: "'", quoting: 'all', line_ending: 'crlf', bom: true, null_string: 'NULL' },
      `header = true, delim = ';', quote = '''', escape = '''', nullstr = 'NULL'`,
    );
    expect(text.startsWith("\uFEFF'id';'big';")).toBe(true);
  }, 120_000);

  it('reads back an empty input as no rows', async () => {
    const output = join(dir, 'empty.csv');
    const empty = (await readParquetFile(parquet)).slice(0, 0);
    await csvSink.run({ input: new MemoryArtifact(empty) }, createTestContext<Config>({ config: { output_path: output }, manifest: MANIFEST, moduleId: 'out' }));
    expect(await duck.rows(`SELECT count(*) FROM read_csv('${output}', header = true, columns = {'id': 'BIGINT', 'big': 'BIGINT', 'd18': 'DECIMAL(18,4)', 'd38': 'DECIMAL(38,10)', 'f': 'DOUBLE', 'ok': 'BOOLEAN', 'ts': 'TIMESTAMP', 'tstz': 'TIMESTAMPTZ', 'd': 'DATE', 'tm': 'TIME', 'u': 'UUID', 'txt': 'VARCHAR'})`)).toEqual([['0']]);
  }, 120_000);
});
