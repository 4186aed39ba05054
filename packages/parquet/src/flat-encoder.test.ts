import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  Binary, Bool, DateDay, Float32, Float64, Int16, Int32, Int64, Int8, List, Field, Table, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond,
  Uint16, Uint32, Uint64, Uint8, Utf8, RecordBatch, Schema, makeData, makeVector, tableToIPC, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeParquet, encodeWithParquetWasm } from './encode-parquet.js';
import { CREATED_BY, encodeFlatParquet } from './flat-encoder.js';
import { decodeParquet } from './read-parquet-file.js';
import { readFooter } from './row-group-file.js';
import type { ParquetCompression } from './compression.js';

// The flat writer against two independent readers: parquet-wasm (arrow-rs) must give back the
// exact Arrow types and values, and DuckDB must read the same rows, and the same min, max and
// null count per column chunk, as from parquet-wasm's own encoding of the same table. The data
// is built to hit the edges: nulls at every position of a byte, all-null and no-null chunks,
// runs just under and over the RLE threshold, one-value dictionaries, dictionaries past their
// size limit, pages cut by rows and by bytes, row groups cut mid-batch, sliced batches whose
// bitmaps do not start on a byte, every integer width at its extremes, NaN, ±0, ±Infinity.

let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), ((seed >>> 8) & 0xffffff) / 0x1000000);

/** A vector of `type` from raw values; `nulls[i]` true makes row i null. */
function column(type: DataType, values: ArrayLike<unknown> & { length: number }, nulls?: (i: number) => boolean): Vector {
  const length = values.length;
  let nullBitmap: Uint8Array | undefined;
  let nullCount = 0;
  if (nulls) {
    nullBitmap = new Uint8Array((length + 7) >> 3);
    for (let i = 0; i < length; i++) {
      if (nulls(i)) nullCount++;
      else nullBitmap[i >> 3] |= 1 << (i & 7);
    }
  }
  return makeVector(makeData({ type, length, nullCount, nullBitmap, data: values } as never));
}

function rows(n: number): Table {
  const ints = (mk: (i: number) => number, C: new (n: number) => ArrayLike<number> & Record<number, number>) => {
    const a = new C(n);
    for (let i = 0; i < n; i++) a[i] = mk(i);
    return a;
  };
  const big = (mk: (i: number) => bigint, C: typeof BigInt64Array | typeof BigUint64Array) => {
    const a = new C(n);
    for (let i = 0; i < n; i++) a[i] = mk(i) as never;
    return a;
  };
  const words = ['alpha', 'beta', 'γάμμα', '李小龍', '🚀 rocket', '', 'a"b,c\nd'];
  return new Table({
    id: column(new Int64(), big((i) => BigInt(i) * 7919n - 3n, BigInt64Array)),
    i8: column(new Int8(), ints((i) => [-128, 127, 0, -1][i % 4] + (i % 7 === 0 ? 0 : 0), Int8Array), (i) => i % 5 === 0),
    i16: column(new Int16(), ints((i) => (i % 3 === 0 ? -32768 : i % 3 === 1 ? 32767 : (i * 31) % 1000), Int16Array)),
    i32: column(new Int32(), ints((i) => (i % 1000 === 0 ? -2147483648 : i % 1000 === 1 ? 2147483647 : Math.floor(rand() * 2e9) - 1e9), Int32Array), (i) => i % 17 === 3),
    u8: column(new Uint8(), ints((i) => (i * 37) % 256, Uint8Array)),
    u16: column(new Uint16(), ints((i) => (i % 2 ? 65535 : i % 100), Uint16Array), (i) => i % 9 === 0),
    u32: column(new Uint32(), ints((i) => (i % 3 === 0 ? 4294967295 : i % 3 === 1 ? 2147483648 : i), Uint32Array)),
    u64: column(new Uint64(), big((i) => (i % 4 === 0 ? 18446744073709551615n : i % 4 === 1 ? 9223372036854775808n : BigInt(i)), BigUint64Array), (i) => i % 11 === 10),
    i64x: column(new Int64(), big((i) => (i % 3 === 0 ? -9223372036854775808n : i % 3 === 1 ? 9223372036854775807n : BigInt(i % 50) - 25n), BigInt64Array)),
    f32: column(new Float32(), ints((i) => [1.5, -0, 0, NaN, Infinity, -Infinity, 3.4e38, -1e-30][i % 8] * (i % 8 < 3 ? i % 5 : 1), Float32Array), (i) => i % 13 === 0),
    f64: column(new Float64(), ints((i) => (i % 97 === 0 ? NaN : i % 89 === 0 ? -0 : Math.round(rand() * 1e9) / 100), Float64Array), (i) => i % 23 === 5),
    f64rep: column(new Float64(), ints((i) => Math.floor(i / 9) % 4, Float64Array)),
    date: column(new DateDay(), ints((i) => -719162 + ((i * 113) % 3_000_000), Int32Array), (i) => i % 3 === 0),
    ts_ms: column(new TimestampMillisecond(), big((i) => BigInt(i) * 86_400_123n - 10_000_000_000n, BigInt64Array)),
    ts_us_tz: column(new TimestampMicrosecond('UTC'), big((i) => BigInt(i % 500) * 3_600_000_001n, BigInt64Array), (i) => i % 4 === 1),
    ts_ms_paris: column(new TimestampMillisecond('Europe/Paris'), big((i) => BigInt(i % 700) * 3_600_000n - 86_400_000n, BigInt64Array), (i) => i % 10 === 0),
    ts_ns: column(new TimestampNanosecond(), big((i) => BigInt(i) * 1_000_000_007n, BigInt64Array), (i) => i % 2 === 0),
    text: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 19 === 7 ? null : words[Math.floor(rand() * words.length)])), new Utf8()),
    unique_text: vectorFromArray(Array.from({ length: n }, (_, i) => `row-${i}-${'x'.repeat(i % 40)}-ü`), new Utf8()),
    one_value: vectorFromArray(Array.from({ length: n }, () => 'same'), new Utf8()),
    all_null: vectorFromArray(Array.from({ length: n }, () => null), new Utf8()),
    runs: vectorFromArray(Array.from({ length: n }, (_, i) => String(Math.floor(i / [7, 8, 9, 16, 17][Math.floor(i / 1000) % 5]) % 3)), new Utf8()),
    bin: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : Uint8Array.from([i & 255, 0, 255, (i >> 8) & 255]))), new Binary()),
    flag: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : rand() < 0.3)), new Bool()),
    always: vectorFromArray(Array.from({ length: n }, () => true), new Bool()),
  });
}

/** The table as several batches, some sliced so that their bitmaps start mid-byte. */
function batched(table: Table, cuts: number[]): Table {
  const batches = [];
  let at = 0;
  for (const cut of [...cuts, table.numRows]) {
    const whole = table.slice(at, cut);
    batches.push(...whole.batches);
    at = cut;
  }
  return new Table(batches);
}

const values = (t: Table) => Object.fromEntries(t.schema.fields.map((f) => [f.name, [...t.getChild(f.name)!].map((v) => (v instanceof Uint8Array ? [...v] : v))]));

let dir: string;
let db: DuckDBInstance;
let duck: DuckDBConnection;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flat-parquet-'));
  db = await DuckDBInstance.create(':memory:', { threads: '1' });
  duck = await db.connect();
  await duck.run(`SET TimeZone = 'UTC'`);
});
afterAll(() => {
  duck?.closeSync();
  db?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function save(image: Uint8Array): string {
  const path = join(dir, `f${files++}.parquet`);
  writeFileSync(path, image);
  return path;
}
const sql = async (q: string) => (await duck.runAndReadAll(q)).getRowsJson();

async function sameAsParquetWasm(table: Table, compression: ParquetCompression, rowGroupSize: number): Promise<void> {
  const flat = encodeFlatParquet(table, { compression, rowGroupSize })!;
  expect(flat, 'the flat writer takes this table').toBeDefined();
  // arrow-rs reads back the exact types and values.
  const back = decodeParquet(flat, 'flat');
  expect(back.schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable}`)).toEqual(table.schema.fields.map((f) => `${f.name}: ${f.type} ${f.nullable}`));
  expect(values(back)).toEqual(values(table));
  // DuckDB reads the same rows and the same statistics as from parquet-wasm's file.
  const ours = save(flat);
  const theirs = save(encodeWithParquetWasm(table, tableToIPC(table, 'stream'), { compression, rowGroupSize }));
  expect(await sql(`SELECT count(*) FROM '${ours}'`)).toEqual([[String(table.numRows)]]);
  for (const [a, b] of [[ours, theirs], [theirs, ours]]) {
    expect(await sql(`SELECT count(*) FROM (SELECT * FROM '${a}' EXCEPT ALL SELECT * FROM '${b}')`)).toEqual([['0']]);
  }
  const stats = (path: string) => sql(`SELECT row_group_id, path_in_schema, row_group_num_rows, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('${path}') ORDER BY 1, 2`);
  expect(await stats(ours)).toEqual(await stats(theirs));
  expect(readFooter(flat, 'flat').get(6)?.value).toEqual(new TextEncoder().encode(CREATED_BY));
}

describe('the flat Parquet writer', () => {
  it('writes every flat type at its edges as parquet-wasm does: values, types, rows and statistics', async () => {
    const table = rows(20_000);
    await sameAsParquetWasm(table, 'snappy', 20_000);
  }, 120_000);

  it('cuts pages by rows and by bytes and row groups mid-batch, across batches sliced mid-byte', async () => {
    const table = batched(rows(300_003), [5, 13, 70_001, 131_075, 262_150]);
    expect(table.batches.length).toBe(6);
    await sameAsParquetWasm(table.select(['id', 'i8', 'f64', 'date', 'text', 'unique_text', 'flag', 'runs']), 'snappy', 140_000);
  }, 300_000);

  it('writes gzip and uncompressed pages', async () => {
    const table = rows(3_000);
    await sameAsParquetWasm(table, 'gzip', 1_000);
    await sameAsParquetWasm(table, 'none', 1_000);
  }, 120_000);

  it('writes a table without rows as a file with the schema and no row group', async () => {
    const table = rows(10).slice(0, 0);
    const image = encodeFlatParquet(table, { compression: 'snappy', rowGroupSize: 10 })!;
    expect(decodeParquet(image, 'empty').schema.fields.map(String)).toEqual(table.schema.fields.map(String));
    expect(await sql(`SELECT count(*) FROM '${save(image)}'`)).toEqual([['0']]);
  });

  it('keeps dictionaries small: near-unique values are written plain, repeated ones as a dictionary', async () => {
    const table = rows(50_000).select(['id', 'unique_text', 'text', 'f64rep']);
    const path = save(encodeFlatParquet(table, { compression: 'snappy', rowGroupSize: 50_000 })!);
    const encodings = Object.fromEntries(
      (await sql(`SELECT path_in_schema, encodings FROM parquet_metadata('${path}')`)).map(([name, enc]) => [name, String(enc)]),
    );
    expect(encodings.id).not.toContain('DICTIONARY');
    expect(encodings.unique_text).not.toContain('DICTIONARY');
    expect(encodings.text).toContain('DICTIONARY');
    expect(encodings.f64rep).toContain('DICTIONARY');
  });

  it('writes values larger than a page, one to a page, and leaves their min/max out of the statistics', async () => {
    const huge = (c: string, n: number) => c.repeat(n);
    const texts = ['small', huge('b', 1_500_000), null, huge('a', 1_100_000), 'zz', huge('é', 700_000)];
    const table = new Table({ t: vectorFromArray(texts, new Utf8()), i: vectorFromArray(texts.map((_, i) => i), new Int32()) });
    const image = encodeFlatParquet(table, { compression: 'snappy', rowGroupSize: 100 })!;
    expect(values(decodeParquet(image, 'huge'))).toEqual(values(table));
    const path = save(image);
    expect(await sql(`SELECT i, length(t), md5(t) FROM '${path}' ORDER BY i`)).toEqual(
      await sql(`SELECT i, length(t), md5(t) FROM (VALUES ${texts.map((t, i) => `(${i}, ${t === null ? 'NULL' : t.length < 100 ? `'${t}'` : `repeat('${t[0]}', ${t.length})`})`).join(', ')}) v(i, t) ORDER BY i`),
    );
    const stats = await sql(`SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('${path}') ORDER BY 1`);
    expect(stats).toEqual([['i', '0', '5', '0'], ['t', null, null, '1']]);
  });

  it('leaves nested columns and other codecs to parquet-wasm, through the same entry point', () => {
    const nested = new Table({ l: vectorFromArray([[1], [2, 3]], new List(new Field('item', new Int32(), true))) });
    expect(encodeFlatParquet(nested, { compression: 'snappy', rowGroupSize: 10 })).toBeUndefined();
    const createdBy = (image: Uint8Array) => new TextDecoder().decode(readFooter(image, 'x').get(6)!.value as Uint8Array);
    expect(createdBy(encodeParquet(nested))).toMatch(/^parquet-rs/);
    const flat = rows(10);
    expect(encodeFlatParquet(flat, { compression: 'zstd', rowGroupSize: 10 })).toBeUndefined();
    expect(createdBy(encodeParquet(flat, { compression: 'zstd' }))).toMatch(/^parquet-rs/);
    expect(createdBy(encodeParquet(flat))).toBe(CREATED_BY);
    // A non-nullable field holding nulls is not written as REQUIRED with values missing.
    const lying = new Table({ x: makeVector(makeData({ type: new Int32(), length: 2, nullCount: 1, nullBitmap: Uint8Array.of(1), data: Int32Array.of(1, 2) })) });
    const schema = new Schema([new Field('x', new Int32(), false)]);
    expect(encodeFlatParquet(new Table(schema, lying.batches.map((b) => new RecordBatch(schema, b.data))), { compression: 'snappy', rowGroupSize: 10 })).toBeUndefined();
    expect(values(decodeParquet(encodeParquet(flat, { compression: 'zstd' }), 'z'))).toEqual(values(flat));
  });
});
