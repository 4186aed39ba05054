import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { ModuleError, toTable, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import csvSource from './index.js';
import type { Config } from './config.js';

// csv_source's type inference against DuckDB's read_csv_auto on generated data with late
// overflow, mixed timestamp forms, boolean words and nulls. Deliberate differences (every
// timestamp is an instant in UTC, milliseconds) are documented in docs/modules.md.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const ROWS = 60_000;

function csvFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'csv-parity-')), 'in.csv');
  writeFileSync(path, content);
  return path;
}

async function read(config: Config): Promise<Table> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'src' });
  const data = ((await csvSource.run({}, ctx)) as ModuleOutputs).data as AsyncIterable<RecordBatch> & { schema: Schema };
  const batches: RecordBatch[] = [];
  for await (const batch of data) batches.push(batch);
  return (await toTable(batches)) as Table;
}

async function duckdb(sql: string): Promise<{ names: string[]; types: string[]; rows: unknown[][] }> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    const result = await connection.runAndReadAll(sql);
    return { names: result.columnNames(), types: result.columnTypes().map(String), rows: result.getRowsJS() };
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

const LOCAL = ['2024-01-31 08:30:00', '2024-01-31T08:30:15', '2024-02-29 23:59:59.123456', '1999-12-31T00:00:00.5'];
const ZONED = ['2024-01-31T08:30:00Z', '2024-01-31T08:30:00+02:00', '2024-01-31 08:30:00-05:30', '2024-06-30T12:00:00.250+00:00'];
const BOOLS = ['true', 'FALSE', 'True', 't', 'F', 'yes', 'NO'];

/** Row i of the generated file: late int32 overflow at row 50,000, int64 max at 50,001, a null every 7th row. */
function row(i: number): string {
  const nul = i % 7 === 3;
  const n = i === 50_000 ? '2767891499' : String(i * 3 - 1000);
  const big = i === 50_001 ? '9223372036854775807' : i === 50_002 ? '-9223372036854775808' : String(i);
  const day = nul ? '' : `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`;
  const ts = nul ? '' : LOCAL[i % LOCAL.length];
  const tz = nul ? '' : ZONED[i % ZONED.length];
  const flag = nul ? '' : BOOLS[i % BOOLS.length];
  const price = nul ? '' : (i / 8).toString();
  return `${i},${n},${big},${day},${ts},${tz},${flag},${price},name ${i}`;
}

describe('csv_source types and values match DuckDB read_csv_auto', () => {
  it('on 60,000 rows with a late int32 overflow, int64 extremes, timestamps, dates, booleans and nulls', async () => {
    const path = csvFile(`id,n,big,day,ts,tz,flag,price,name\n${Array.from({ length: ROWS }, (_, i) => row(i)).join('\n')}\n`);
    const table = await read({ file_path: path });
    expect(table.numRows).toBe(ROWS);
    const ours = table.schema.fields.map((f) => String(f.type));
    expect(ours).toEqual(['Int64', 'Int64', 'Int64', 'Date32<DAY>', 'Timestamp<MILLISECOND, UTC>', 'Timestamp<MILLISECOND, UTC>', 'Bool', 'Float64', 'Utf8']);

    const duck = await duckdb(
      `SELECT id, n::VARCHAR AS n, big::VARCHAR AS big, epoch_ms(day::TIMESTAMP) AS day, epoch_ms(ts) AS ts, epoch_ms(tz) AS tz, flag, price, name
       FROM read_csv_auto('${path}') ORDER BY id`,
    );
    const described = await duckdb(`DESCRIBE SELECT * FROM read_csv_auto('${path}')`);
    // DuckDB's names for the same types; the difference for ts (TIMESTAMP, ours an instant in UTC) is deliberate.
    expect(described.rows.map((r) => r[1])).toEqual(['BIGINT', 'BIGINT', 'BIGINT', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'BOOLEAN', 'DOUBLE', 'VARCHAR']);

    const columns = table.schema.names.map((name) => [...table.getChild(name)!]);
    const mismatches: string[] = [];
    for (let r = 0; r < ROWS; r++) {
      const actual = JSON.stringify(columns.map((c) => norm(c[r])));
      const want = JSON.stringify(duck.rows[r].map(norm));
      if (actual !== want) mismatches.push(`row ${r}: ours ${actual}, duckdb ${want}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(String(table.getChild('n')!.get(50_000))).toBe('2767891499');
    expect(table.getChild('big')!.get(50_001)).toBe(9223372036854775807n);
  }, 180_000);

  it('a value beyond int64 after the sample fails in both, naming the line, the column and the schema override', async () => {
    const lines = Array.from({ length: ROWS }, (_, i) => `${i},${i === 50_000 ? '99999999999999999999' : i}`);
    const path = csvFile(`id,n\n${lines.join('\n')}\n`);
    const error = await read({ file_path: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe(
      `${path}: line 50002, column "n" (2): value "99999999999999999999" is not a 64-bit integer, the type inferred for the column from the first 20480 rows (sample_rows: 20480)`,
    );
    expect((error as ModuleError).hint).toContain('schema: { "n": float64 }');
    await expect(duckdb(`SELECT max(n) FROM read_csv_auto('${path}')`)).rejects.toThrow(/Line: 50002[\s\S]*Could not convert string "99999999999999999999" to 'BIGINT'/);
    // The fixes the message names work: a float64 column, or the whole file read before choosing.
    const widened = await read({ file_path: path, schema: { n: 'float64' } });
    expect(widened.getChild('n')!.get(50_000)).toBe(1e20);
    const whole = await read({ file_path: path, sample_rows: 0 });
    expect(String(whole.schema.fields[1].type)).toBe('Float64');
  }, 180_000);
});

/** Numbers and bigints as their decimal text, so an Int64 and DuckDB's BIGINT compare equal. */
function norm(value: unknown): unknown {
  return typeof value === 'bigint' || typeof value === 'number' ? String(value) : value;
}

// csv_source against DuckDB's read_csv on quote-heavy data like the bench's realistic variant:
// most text quoted, with escaped quotes, delimiters and line breaks inside, multi-byte UTF-8,
// unquoted empty fields (null) and quoted empty ones (an empty string; DuckDB needs
// allow_quoted_nulls = false for that, its default reads them as NULL), with LF or CRLF line
// ends and a BOM. Small chunks put thousands of chunk boundaries among the quotes.

const QUOTED_ROWS = 30_000;
const FIRST = ['Ada', 'Chloé', 'Finn', 'Hana', 'José 🙂', 'Żółć', '李小龍', 'Ελένη'];
const LAST = ['Smith', 'Müller', 'Novak', 'Дмитрий', 'Nguyễn', '山田'];

function lcg(seed: number): (n: number) => number {
  let s = seed;
  return (n) => (s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff) % n;
}

/** One record's fields as CSV text; `eol` is also the line break inside multi-line names. */
function record(i: number, r: (n: number) => number, eol: string): string {
  const first = FIRST[r(FIRST.length)];
  const last = LAST[r(LAST.length)];
  const names = [
    `${first} ${last}`,
    `"${last}, ${first}"`,
    `"${first} ""${last}"" Jr."`,
    `"""${first}"", ${last}"`,
    `"${first}${eol}c/o ${last}, ""${first}"""`,
    '',
    '""',
    `"${first},,${eol}${eol}"`,
  ];
  const name = names[r(10) < 4 ? r(names.length) : r(4)];
  const amount = r(50) === 0 ? '' : `${r(1_000_000) / 100}`;
  const category = ['alpha', '"beta"', '"gam,ma"', '', '""', 'dél"ta'][r(6)];
  const age = r(30) === 0 ? '' : String(r(90));
  return `${i},${name},${age},${amount},${category},2024-0${1 + r(9)}-1${r(10)}`;
}

function quotedCsvFile(eol: string, bom: boolean): string {
  const r = lcg(eol.length * 7 + (bom ? 1 : 0));
  const lines = Array.from({ length: QUOTED_ROWS }, (_, i) => record(i, r, eol));
  const path = join(mkdtempSync(join(tmpdir(), 'csv-quoted-')), 'in.csv');
  writeFileSync(path, `${bom ? '\uFEFF' : ''}id,name,age,amount,category,created${eol}${lines.join(eol)}${eol}`);
  return path;
}



const rowsOf = async (sql: string) => (await duckdb(sql)).rows;

describe('csv_source reads quote-heavy CSV exactly as DuckDB read_csv does', () => {
  for (const [label, eol, bom] of [['LF, with a BOM', '\n', true], ['CRLF', '\r\n', false]] as const) {
    it(`${label}: types and every value, quotes, line breaks, empty and null fields`, async () => {
      const path = quotedCsvFile(eol, bom);
      const table = await read({ file_path: path, chunk_bytes: 4096 });
      expect(table.numRows).toBe(QUOTED_ROWS);
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
        'id:Int64', 'name:Utf8', 'age:Int64', 'amount:Float64', 'category:Utf8', 'created:Date32<DAY>',
      ]);
      const source = `read_csv('${path}', header = true, allow_quoted_nulls = false)`;
      const described = await rowsOf(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${source})`);
      expect(described).toEqual([['id', 'BIGINT'], ['name', 'VARCHAR'], ['age', 'BIGINT'], ['amount', 'DOUBLE'], ['category', 'VARCHAR'], ['created', 'DATE']]);
      const want = await rowsOf(`SELECT id, name, age, amount, category, epoch_ms(created::TIMESTAMP) // 86400000 FROM ${source} ORDER BY id`);
      const columns = table.schema.names.map((name) => [...table.getChild(name)!]);
      const mismatches: string[] = [];
      for (let row = 0; row < QUOTED_ROWS && mismatches.length < 5; row++) {
        // Arrow JS reads a Date32 as epoch milliseconds; DuckDB's side is days.
        const ours = JSON.stringify(columns.map((c, i) => norm(i === 5 ? (c[row] as number) / 86_400_000 : c[row])));
        const theirs = JSON.stringify(want[row].map(norm));
        if (ours !== theirs) mismatches.push(`row ${row}: ours ${ours}, duckdb ${theirs}`);
      }
      expect(mismatches).toEqual([]);
      // The shapes the data is about really are in it: escaped quotes, line breaks, nulls and empty strings.
      const names = columns[1] as (string | null)[];
      expect(names.some((n) => n?.includes('"') && n.includes(','))).toBe(true);
      expect(names.some((n) => n?.includes(eol))).toBe(true);
      expect(names.filter((n) => n === null).length).toBeGreaterThan(100);
      expect(names.filter((n) => n === '').length).toBeGreaterThan(100);
      expect((columns[4] as (string | null)[]).filter((n) => n === 'dél"ta').length).toBeGreaterThan(100);
    }, 180_000);
  }

  it('DuckDB by default reads a quoted empty field as NULL; csv_source as an empty string', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'csv-quoted-')), 'in.csv');
    writeFileSync(path, 'a,b\n"",x\n,y\n');
    expect(await rowsOf(`SELECT a IS NULL FROM read_csv('${path}', header = true) ORDER BY b`)).toEqual([[true], [true]]);
    const table = await read({ file_path: path });
    expect([...table.getChild('a')!]).toEqual(['', null]);
  }, 60_000);
});
