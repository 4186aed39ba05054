import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readParquetFile } from '@pypeline/parquet';
import { MemoryArtifact } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { openDuckDb, type TestDuckDb } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsonSink from './index.js';
import type { Config } from './config.js';

// DuckDB makes a table of every type (through Parquet, how such columns reach a flow), json_sink
// writes it, and DuckDB reads the JSON back with the source's column types: the rows are the
// same (EXCEPT ALL both ways), and each line is what DuckDB's to_json writes for the row, but
// for timestamps (ours ISO 8601 with Z, DuckDB's a space and +00) and binary (ours base64).

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const ROWS = 2000;
const NUL = (n: number, expr: string) => `CASE WHEN i % ${n} = 3 THEN NULL ELSE ${expr} END`;

const GENERATE = `
SELECT
  i AS id,
  ${NUL(7, `[i, NULL, -i]::BIGINT[]`)}[1:(i % 4)] AS l,
  ${NUL(11, `[[i::INTEGER], []::INTEGER[], NULL]`)} AS ll,
  ${NUL(13, `{'a': i::INTEGER, 'b': 'ü-' || i, 'inner': {'x': [i / 4]::DOUBLE[]}}`)} AS s,
  ${NUL(5, `MAP {'k' || (i % 3): i::INTEGER, 'é☃': NULL::INTEGER}`)} AS m,
  ${NUL(9, `((i - 1000) * 1.2345)::DECIMAL(18,4)`)} AS d18,
  ${NUL(9, `(CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END * (12345678901234567890.0123456789 + i))::DECIMAL(38,10)`)} AS d38,
  ${NUL(6, `md5(i::VARCHAR)::UUID`)} AS u,
  ${NUL(4, `TIMESTAMP '1969-12-31 23:59:59.999999' + INTERVAL (i * 3601001) MICROSECOND`)} AS ts,
  ${NUL(4, `TIMESTAMPTZ '2024-03-31 01:59:59.5+02' + INTERVAL (i * 977) SECOND`)} AS tstz,
  ${NUL(10, `DATE '1900-02-28' + (i * 53)::INTEGER`)} AS d,
  ${NUL(10, `TIME '00:00:00' + INTERVAL (i * 17123457) MICROSECOND`)} AS tm,
  ${NUL(7, `CASE i % 3 WHEN 0 THEN 9223372036854775807 - i WHEN 1 THEN -9223372036854775807 + i ELSE 9007199254740993 + i END`)} AS big,
  ${NUL(8, `i / 7`)} AS f,
  ${NUL(6, `i % 2 = 0`)} AS ok,
  ${NUL(3, `CASE i % 4 WHEN 0 THEN '' WHEN 1 THEN 'naïve "quoted", \\ ☃ 🎉' ELSE 'row ' || i END`)} AS txt
FROM range(${ROWS}) r(i)`;

let duck: TestDuckDb;
const rows = (sql: string) => duck.rows(sql);

describe('json_sink against DuckDB', () => {
  beforeAll(async () => {
    duck = await openDuckDb();
  });
  afterAll(() => duck.close());

  it('writes every type so that DuckDB reads back the same rows, and as to_json writes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'json-duckdb-'));
    const parquet = join(dir, 'in.parquet');
    const output = join(dir, 'out.jsonl');
    await duck.run(`COPY (${GENERATE}) TO '${parquet}' (FORMAT parquet)`);
    const ctx = createTestContext<Config>({ config: { output_path: output }, manifest: MANIFEST, moduleId: 'out' });
    await jsonSink.run({ input: new MemoryArtifact(await readParquetFile(parquet)) }, ctx);

    const described = await rows(`DESCRIBE SELECT * FROM '${parquet}'`);
    // WARNING: DuckDB's JSON reader parses every number through a double (yyjson), so a
    // DECIMAL(38,10) comes back rounded whatever the text: d38 is compared as DOUBLE here, and
    // its exact text against to_json below.
    const columns = `{${described.map(([name, type]) => `'${name}': '${name === 'd38' ? 'DOUBLE' : type}'`).join(', ')}}`;
    const back = `read_json('${output}', format = 'newline_delimited', columns = ${columns})`;
    const source = `(SELECT * REPLACE (d38::DOUBLE AS d38) FROM '${parquet}')`;
    expect(await rows(`SELECT count(*) FROM ${back}`)).toEqual([[String(ROWS)]]);
    expect(await rows(`SELECT * FROM ${source} EXCEPT ALL SELECT * FROM ${back}`)).toEqual([]);
    expect(await rows(`SELECT * FROM ${back} EXCEPT ALL SELECT * FROM ${source}`)).toEqual([]);

    // Line by line against to_json, timestamps written as DuckDB's ISO form with Z.
    const iso = (c: string) => `strftime(${c}, '%Y-%m-%dT%H:%M:%S.%fZ')`;
    const expected = await rows(`SELECT to_json(t)::VARCHAR FROM (SELECT * REPLACE (${iso('ts')} AS ts, ${iso('tstz')} AS tstz) FROM '${parquet}') t ORDER BY id`);
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(ROWS);
    lines.forEach((line, i) => expect(line).toBe(expected[i][0]));
  }, 120_000);
});
