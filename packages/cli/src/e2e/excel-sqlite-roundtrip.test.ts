// Arrow types through excel_sink and sqlite_sink and back through excel_source and sqlite_source,
// through the built CLI: DuckDB writes the input (every flat type these formats hold), one flow
// writes it to a workbook and a database, a second reads both back to Parquet, and DuckDB finds
// the same rows (EXCEPT ALL both ways) once each column is compared as its format keeps it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWithDuckDb } from './read-with-duckdb.js';
import { pype, ROOT } from './scaffold-helpers.js';

const ROWS = 400;
const NUL = (n: number, expr: string) => `CASE WHEN i % ${n} = 3 THEN NULL ELSE ${expr} END`;

const GENERATE = `SELECT
  i AS id,
  ${NUL(7, `(i * 37 - 5000)::INTEGER`)} AS i32,
  ${NUL(8, `i / 7`)} AS f,
  ${NUL(6, `i % 2 = 0`)} AS ok,
  ${NUL(10, `DATE '1900-03-01' + (i * 53)::INTEGER`)} AS d,
  ${NUL(4, `TIMESTAMP '1969-12-31 23:59:59.999' + INTERVAL (i * 3601001) MILLISECOND`)} AS ts,
  ${NUL(5, `9007199254740993 + i * 1000003`)} AS big,
  ${NUL(9, `((i - 200) * 1.25)::DECIMAL(10,2)`)} AS dec,
  ${NUL(3, `CASE i % 5 WHEN 0 THEN 'naïve "quoted", ☃ 🎉' WHEN 1 THEN 'two' || chr(10) || 'lines' WHEN 2 THEN ' padded ' WHEN 3 THEN '0042' ELSE 'row ' || i END`)} AS txt
FROM range(${ROWS}) r(i)`;

// How each format keeps a column, as DuckDB compares them: Excel keeps doubles (so 64-bit
// integers past 2^53 come back as their exact text, decimals as doubles) and instants to the
// millisecond; SQLite keeps 64-bit integers exactly and DECIMAL as NUMERIC (a double here).
const KEPT = `id::BIGINT AS id, i32::BIGINT AS i32, f, ok, d, epoch_ms(ts) AS ts, big::VARCHAR AS big, dec::DOUBLE AS dec, txt`;

describe('excel and sqlite sinks and sources through pype run', () => {
  it('read back what they wrote, type by type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-xl-sqlite-'));
    const input = join(dir, 'in.parquet');
    await readWithDuckDb(`COPY (${GENERATE}) TO '${input}' (FORMAT parquet)`);
    const book = join(dir, 'out', 'all.xlsx');
    const database = join(dir, 'out', 'all.db');
    const write = join(dir, 'write.yaml');
    writeFileSync(write, `flow:\n  name: write_both\nmodules:
  - id: read
    name: parquet_source
    configs: { required: { file_path: ${JSON.stringify(input)} } }
  - id: to_excel
    name: excel_sink
    configs: { required: { output_path: ${JSON.stringify(book)} }, optional: { sheet_name: Data } }
  - id: to_sqlite
    name: sqlite_sink
    configs: { required: { database: ${JSON.stringify(database)}, table: all_types }, optional: { mode: create, key: [id] } }
connections:
  data: ["read.data - to_excel.input", "read.data - to_sqlite.input"]
`);
    const first = pype(['run', write, '--log-file', join(dir, 'write.jsonl')], ROOT);
    expect(first.status, `${first.stdout}\n${first.stderr}`).toBe(0);

    const fromExcel = join(dir, 'back', 'excel.parquet');
    const fromSqlite = join(dir, 'back', 'sqlite.parquet');
    const read = join(dir, 'read.yaml');
    writeFileSync(read, `flow:\n  name: read_both\nmodules:
  - id: xl
    name: excel_source
    configs: { required: { file_path: ${JSON.stringify(book)} }, optional: { sheet: Data, columns: { id: int64, i32: int32, d: date, txt: utf8 } } }
  - id: xl_out
    name: parquet_sink
    configs: { required: { output_path: ${JSON.stringify(fromExcel)} } }
  - id: db
    name: sqlite_source
    configs: { required: { database: ${JSON.stringify(database)}, query: "select * from all_types where id >= ? order by id" }, optional: { params: [0] } }
  - id: db_out
    name: parquet_sink
    configs: { required: { output_path: ${JSON.stringify(fromSqlite)} } }
connections:
  data: ["xl.data - xl_out.input", "db.data - db_out.input"]
`);
    const second = pype(['run', read, '--log-file', join(dir, 'read.jsonl')], ROOT);
    expect(second.status, `${second.stdout}\n${second.stderr}`).toBe(0);

    // The types each source chose, as DuckDB reads them from Parquet.
    const typesOf = async (path: string) => (await readWithDuckDb(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '${path}')`)).map((r) => `${r.column_name}:${r.column_type}`);
    expect(await typesOf(fromExcel)).toEqual(['id:BIGINT', 'i32:INTEGER', 'f:DOUBLE', 'ok:BOOLEAN', 'd:DATE', 'ts:TIMESTAMP WITH TIME ZONE', 'big:VARCHAR', 'dec:DOUBLE', 'txt:VARCHAR']);
    expect(await typesOf(fromSqlite)).toEqual(['id:BIGINT', 'i32:BIGINT', 'f:DOUBLE', 'ok:BOOLEAN', 'd:DATE', 'ts:TIMESTAMP WITH TIME ZONE', 'big:BIGINT', 'dec:DOUBLE', 'txt:VARCHAR']);
    expect(await readWithDuckDb(`SELECT max(big) AS top FROM '${fromSqlite}'`)).toEqual([{ top: String(9007199254740993n + 399n * 1000003n) }]);

    for (const back of [fromExcel, fromSqlite]) {
      expect(await readWithDuckDb(`SELECT count(*) AS n FROM '${back}'`)).toEqual([{ n: String(ROWS) }]);
      expect(await readWithDuckDb(`SELECT ${KEPT} FROM '${input}' EXCEPT ALL SELECT ${KEPT} FROM '${back}'`), back).toEqual([]);
      expect(await readWithDuckDb(`SELECT ${KEPT} FROM '${back}' EXCEPT ALL SELECT ${KEPT} FROM '${input}'`), back).toEqual([]);
    }
  }, 240_000);
});
