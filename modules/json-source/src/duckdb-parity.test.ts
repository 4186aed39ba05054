import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { ModuleError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import jsonSource from './index.js';
import type { Config } from './config.js';

// json_source's type inference against DuckDB's read_json_auto on generated data with late
// overflow past 32 bits, int64 extremes, integers past 2^53, timestamps, dates, booleans and
// nulls. Deliberate differences are documented in docs/modules.md.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const ROWS = 60_000;

function file(content: string, name: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'json-parity-')), name);
  writeFileSync(path, content);
  return path;
}

async function read(config: Config): Promise<Table> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'src' });
  return ((await jsonSource.run({}, ctx)) as ModuleOutputs).data as Table;
}

async function duckdb(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    return (await connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

const TIMES = ['2024-01-31T08:30:00Z', '2024-02-29T23:59:59Z', '1999-12-31T00:00:00Z'];

/** Row i: n overflows int32 at 50,000, big holds int64's extremes and 2^53 + 1, huge passes int64 at 50,002 when asked. */
function record(i: number, huge: boolean): string {
  const n = i === 50_000 ? '2767891499' : String(i);
  const big = i === 50_001 ? '9223372036854775807' : i === 50_002 ? '-9223372036854775808' : i === 50_003 ? '9007199254740993' : String(i);
  const flag = i % 7 === 3 ? 'null' : String(i % 2 === 1);
  const ts = i % 5 === 4 ? 'null' : `"${TIMES[i % 3]}"`;
  const day = `"20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}"`;
  const extra = huge ? `, "huge": ${i === 50_002 ? '99999999999999999999' : i}` : '';
  return `{"id": ${i}, "n": ${n}, "big": ${big}, "price": ${i / 4}, "flag": ${flag}, "ts": ${ts}, "day": ${day}, "name": "name ${i}"${extra}}`;
}

/** Numbers and bigints as their decimal text, so an Int64 and DuckDB's BIGINT compare equal. */
function norm(value: unknown): unknown {
  return typeof value === 'bigint' || typeof value === 'number' ? String(value) : value;
}

describe('json_source types and values match DuckDB read_json_auto', () => {
  it('on a 60,000-element array with a late int32 overflow, int64 extremes, 2^53 + 1, timestamps, dates, booleans and nulls', async () => {
    const path = file(`[${Array.from({ length: ROWS }, (_, i) => record(i, false)).join(',\n')}]`, 'rows.json');
    const table = await read({ file_path: path });
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'id:Int64', 'n:Int64', 'big:Int64', 'price:Float64', 'flag:Bool', 'ts:Timestamp<MILLISECOND, UTC>', 'day:Date32<DAY>', 'name:Utf8',
    ]);
    const described = await duckdb(`DESCRIBE SELECT * FROM read_json_auto('${path}')`);
    expect(described.map((r) => r[1])).toEqual(['BIGINT', 'BIGINT', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP', 'DATE', 'VARCHAR']);
    const duck = await duckdb(`SELECT id, n, big::VARCHAR, price, flag, epoch_ms(ts), epoch_ms(day::TIMESTAMP), name FROM read_json_auto('${path}') ORDER BY id`);
    const columns = table.schema.names.map((name) => [...table.getChild(name)!]);
    const mismatches: string[] = [];
    for (let r = 0; r < ROWS; r++) {
      const ours = JSON.stringify(columns.map((c) => norm(c[r])));
      const theirs = JSON.stringify(duck[r].map(norm));
      if (ours !== theirs) mismatches.push(`row ${r}: ours ${ours}, duckdb ${theirs}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(table.getChild('big')!.get(50_003)).toBe(9007199254740993n);
  }, 180_000);

  it('an integer past int64 late in the file: an array widens the column to Float64 (DuckDB fails); JSON Lines fails in both, naming the line and the fix', async () => {
    const records = Array.from({ length: ROWS }, (_, i) => record(i, true));
    const array = file(`[${records.join(',\n')}]`, 'rows.json');
    const table = await read({ file_path: array });
    expect(String(table.schema.fields[8].type)).toBe('Float64');
    expect(table.getChild('huge')!.get(50_002)).toBe(1e20);
    await expect(duckdb(`SELECT max(huge) FROM read_json_auto('${array}')`)).rejects.toThrow(/99999999999999999999/);

    const lines = file(`${records.join('\n')}\n`, 'rows.jsonl');
    const error = await read({ file_path: lines }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe(
      `${lines}: line 50003, key "huge": value 99999999999999999999 is not a 64-bit integer, the type chosen for the column from the first 20480 rows (sample_rows: 20480)`,
    );
    expect((error as ModuleError).hint).toContain('schema: { "huge": float64 }');
    await expect(duckdb(`SELECT max(huge) FROM read_json_auto('${lines}')`)).rejects.toThrow(/line 50003: Failed to cast value to numerical: 99999999999999999999/);
    const fixed = await read({ file_path: lines, schema: { huge: 'float64' } });
    expect(fixed.getChild('huge')!.get(50_002)).toBe(1e20);
  }, 180_000);

  it('arrays become lists and objects structs, nested and merged across rows, as DuckDB infers them', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => {
      const tags = i % 9 === 4 ? 'null' : JSON.stringify(Array.from({ length: i % 4 }, (_, k) => `t${k}☃`));
      const nums = i % 5 === 2 ? '[]' : `[${i}, null, ${i === 8 ? '9007199254740993' : -i}]`;
      const who = i % 11 === 5 ? 'null' : `{"name": "n\\"${i}", "ids": [[${i}], []]${i % 2 ? `, "since": "2024-01-${String(1 + (i % 28)).padStart(2, '0')}"` : ''}}`;
      return `{"id": ${i}, "tags": ${tags}, "nums": ${nums}, "who": ${who}}`;
    });
    const path = file(`${lines.join('\n')}\n`, 'nested.jsonl');
    const table = await read({ file_path: path });
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'id:Int64', 'tags:List<Utf8>', 'nums:List<Int64>', 'who:Struct<{name:Utf8, ids:List<List<Int64>>, since:Date32<DAY>}>',
    ]);
    const described = await duckdb(`DESCRIBE SELECT * FROM read_json_auto('${path}')`);
    // DuckDB widens a list holding 2^53 + 1 beside negative numbers to HUGEINT; ours stays Int64 (exact: it fits).
    expect(described.map((r) => r[1])).toEqual(['BIGINT', 'VARCHAR[]', 'HUGEINT[]', 'STRUCT("name" VARCHAR, ids BIGINT[][], since DATE)']);
    const duck = await duckdb(`SELECT to_json(t)::VARCHAR FROM (SELECT id, tags, nums, who FROM read_json_auto('${path}')) t ORDER BY id`);
    const text = (v: unknown): unknown => {
      if (v === null || v === undefined) return null;
      if (typeof v === 'bigint') return Number(v);
      // Only the dates of 'since' are numbers this large (Arrow's milliseconds).
      if (typeof v === 'number' && v > 1e11) return new Date(v).toISOString().slice(0, 10);
      if (typeof v === 'object' && Symbol.iterator in v && !('toJSON' in v && !(v as { toArray?: unknown }).toArray)) return [...(v as Iterable<unknown>)].map(text);
      if (typeof v === 'object') return Object.fromEntries(Object.entries((v as { toJSON(): object }).toJSON()).map(([k, x]) => [k, text(x)]));
      return v;
    };
    const mismatches: string[] = [];
    for (let r = 0; r < lines.length; r++) {
      const ours = Object.fromEntries(table.schema.names.map((n) => [n, text(table.getChild(n)!.get(r))]));
      const theirs = JSON.parse(duck[r][0] as string);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`row ${r}: ours ${JSON.stringify(ours)}, duckdb ${JSON.stringify(theirs)}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect([...table.getChild('nums')!.get(8)!]).toEqual([8n, null, 9007199254740993n]);
  }, 180_000);
});
