import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModuleError, toTable, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import csvSource from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const SPECTRUM = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));

function csvFile(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'csv-source-')), 'in.csv');
  writeFileSync(path, content);
  return path;
}

type Stream = AsyncIterable<RecordBatch> & { schema: Schema };

async function read(config: Config) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'src' });
  const outputs = (await csvSource.run({}, ctx)) as ModuleOutputs;
  const data = outputs.data as Stream;
  const batches: RecordBatch[] = [];
  for await (const batch of data) batches.push(batch);
  const table = (await toTable(batches)) as Table;
  const reject = outputs.reject ? await toTable(outputs.reject) : undefined;
  return { table, batches, reject, schema: data.schema, ctx };
}

function rows(table: Table): Record<string, unknown>[] {
  return table.toArray().map((row) => row.toJSON());
}

function types(schema: Schema): string[] {
  return schema.fields.map((f) => `${f.name}:${f.type}`);
}

async function failure(config: Config): Promise<ModuleError> {
  const error = await read(config).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleError);
  return error as ModuleError;
}

describe('csv_source', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const defaults = Object.fromEntries(Object.entries(manifest.config_schema.optional).map(([k, v]) => [k, (v as { default: unknown }).default]));
    expect(defaults).toEqual(DEFAULTS);
  });

  it('infers column types, reads empty fields as null and sets globals when the stream ends', async () => {
    const path = csvFile('id,big,price,ok,day,name\n1,1,1.5,true,2024-01-31,ada\n2,9007199254740993,,false,,\n,3,-2,,1970-01-01,"b, c"\n');
    const { table, schema, ctx } = await read({ file_path: path });
    expect(types(schema)).toEqual(['id:Int64', 'big:Int64', 'price:Float64', 'ok:Bool', 'day:Date32<DAY>', 'name:Utf8']);
    expect(table.getChild('big')!.get(1)).toBe(9007199254740993n);
    expect(table.getChild('day')!.get(0)).toBe(Date.UTC(2024, 0, 31));
    expect(rows(table).map((r) => [r.id, r.price, r.ok, r.name])).toEqual([
      [1n, 1.5, true, 'ada'],
      [2n, null, false, null],
      [null, -2, null, 'b, c'],
    ]);
    expect(ctx.globals.get('row_count')).toBe(3);
    expect(ctx.globals.get('file_size')).toBe(statSync(path).size);
  });

  it.each([
    [['1', '-2', '+3'], 'Int64'],
    [['1', '2147483648'], 'Int64'],
    [['1', '9223372036854775808'], 'Float64'],
    [['1', '2.5', '1e3', '.5', '-0.001'], 'Float64'],
    [['true', 'FALSE', 'True'], 'Bool'],
    [['t', 'F', 'yes', 'NO'], 'Bool'],
    [['y', 'n'], 'Utf8'],
    [['0', '1'], 'Int64'],
    [['1', 'yes'], 'Utf8'],
    [['2024-01-31 08:30:00', '2024-01-31T08:30:00.250Z', '2024-01-31T08:30+02:00', '2024-01-31 08:30:00.123456'], 'Timestamp<MILLISECOND, UTC>'],
    [['2024-01-31', '2024-01-31 08:30:00'], 'Timestamp<MILLISECOND, UTC>'],
    [['2024-01-31 25:00:00'], 'Utf8'],
    [['2024-02-29', '1969-12-31'], 'Date32<DAY>'],
    [['2023-02-29'], 'Utf8'],
    [['1', 'x'], 'Utf8'],
    [['', ''], 'Utf8'],
    [['', '7', ''], 'Int64'],
    [[' 1'], 'Utf8'],
    [['1e'], 'Utf8'],
  ])('infers %j as %s', async (values, type) => {
    const { schema } = await read({ file_path: csvFile(`v\n${values.join('\n')}\n`) });
    expect(String(schema.fields[0].type)).toBe(type);
  });

  it('parses numbers and dates exactly as Number() and the calendar do', async () => {
    const floats = ['0.1', '-1.5e-3', '123456789.123456789', '1e300', '4.9e-324', '0.30000000000000004', '+7', '-0'];
    const { table } = await read({ file_path: csvFile(`f,d\n${floats.map((f, i) => `${f},${['1900-03-01', '2000-02-29', '1969-12-31', '2099-12-31'][i % 4]}`).join('\n')}\n`) });
    expect([...table.getChild('f')!]).toEqual(floats.map(Number));
    expect([...table.getChild('d')!].slice(0, 4)).toEqual([Date.UTC(1900, 2, 1), Date.UTC(2000, 1, 29), Date.UTC(1969, 11, 31), Date.UTC(2099, 11, 31)]);
  });

  it('follows RFC 4180: BOM, CRLF, escaped quotes and line breaks inside quotes', async () => {
    const path = csvFile('\uFEFFa,b\r\n"say ""hi""","two\r\nlines"\r\nx,y\r\n');
    const { table } = await read({ file_path: path });
    expect(table.schema.names).toEqual(['a', 'b']);
    expect(rows(table)).toEqual([{ a: 'say "hi"', b: 'two\r\nlines' }, { a: 'x', b: 'y' }]);
  });

  it('passes every csv-spectrum case', async () => {
    const names = readdirSync(join(SPECTRUM, 'csvs')).map((f) => basename(f, '.csv'));
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const name of names) {
      const parsed = JSON.parse(readFileSync(join(SPECTRUM, 'json', `${name}.json`), 'utf8')) as Record<string, string> | Record<string, string>[];
      // One case holds a single row as an object rather than a list.
      const expected = Array.isArray(parsed) ? parsed : [parsed];
      // Erratum in csv-spectrum 2.0.0: this case's JSON has another phone number than its CSV.
      if (name === 'location_coordinates') expected[0]['Contact Phone Number'] = '2095257564';
      // Text columns, as the expected JSON has them; inference is tested elsewhere.
      const schema = Object.fromEntries(Object.keys(expected[0]).map((k) => [k, 'utf8' as const]));
      const { table } = await read({ file_path: join(SPECTRUM, 'csvs', `${name}.csv`), schema });
      expect(rows(table), name).toEqual(expected);
    }
  }, 60_000); // a dozen files read one after another: seconds on a busy machine

  it('gives the same rows whatever the chunk size, with quoted line breaks across chunk boundaries', async () => {
    const lines = ['id,text,n'];
    for (let i = 1; i <= 300; i++) lines.push(`${i},${i % 3 ? `"multi\r\nline ""${i}"", with, commas"` : `plain ${i}`},${i * 1.5}`);
    const path = csvFile(`${lines.join('\r\n')}\r\n`);
    const whole = await read({ file_path: path });
    const chunked = await read({ file_path: path, chunk_bytes: 64 });
    expect(chunked.batches.length).toBeGreaterThan(50);
    expect(rows(chunked.table)).toEqual(rows(whole.table));
    expect(whole.table.numRows).toBe(300);
    expect(whole.table.getChild('text')!.get(0)).toBe('multi\r\nline "1", with, commas');
  });

  it('parses a big file in the worker pool, a small one on this thread, to the same rows', async () => {
    const lines = ['id,text,n,day'];
    for (let i = 1; i <= 12_000; i++) lines.push(`${i},"row ""${i}"", Żółć ${'x'.repeat(i % 40)}",${i * 1.5},2024-01-${String(1 + (i % 28)).padStart(2, '0')}`);
    const path = csvFile(`${lines.join('\n')}\n`);
    // The file is over the inline limit (256 KiB): its chunks are pool tasks, big or small.
    const pooled = await read({ file_path: path, chunk_bytes: 300 * 1024 });
    const small = await read({ file_path: path, chunk_bytes: 16 * 1024 });
    expect(pooled.batches.length).toBeGreaterThan(1);
    expect(small.batches.length).toBeGreaterThan(pooled.batches.length);
    expect(pooled.table.numRows).toBe(12_000);
    expect(rows(pooled.table)).toEqual(rows(small.table));
    // The columns are owned by this thread (transferred from the pool thread), not shared with
    // it: shared buffers lived until the idle pool thread collected them (over 1 GB at 50 M rows).
    const buffers = pooled.table.batches.flatMap((b) => b.data.children.flatMap((c) => [c.values, c.valueOffsets, c.nullBitmap])).filter((a) => a && a.byteLength > 0);
    expect(buffers.length).toBeGreaterThan(0);
    expect(buffers.filter((a) => a.buffer instanceof SharedArrayBuffer)).toEqual([]);
    // Its first 1,000 rows as a file of their own (under the limit) are parsed on this thread.
    const head = await read({ file_path: csvFile(`${lines.slice(0, 1001).join('\n')}\n`), chunk_bytes: 16 * 1024 });
    expect(rows(head.table)).toEqual(rows(pooled.table).slice(0, 1000));
  }, 60_000);

  it('reads latin1, a custom delimiter, quote and escape, and files without a header', async () => {
    const path = csvFile(Buffer.from("caf\xe9;'1;2';'it\\'s'\n", 'latin1'));
    const { table } = await read({ file_path: path, encoding: 'latin1', delimiter: ';', quote: "'", escape: '\\', header: false });
    expect(rows(table)).toEqual([{ column_1: 'café', column_2: '1;2', column_3: "it's" }]);
  });

  it('returns an empty stream with the header schema for a header-only file', async () => {
    const { table, schema, ctx } = await read({ file_path: csvFile('a,b\n') });
    expect(table.numRows).toBe(0);
    expect(types(schema)).toEqual(['a:Utf8', 'b:Utf8']);
    expect(ctx.globals.get('row_count')).toBe(0);
  });

  it('on_error fail: names the file, line and column of a value that does not fit the inferred type', async () => {
    const path = csvFile('id,n\n1,2\n2,3\n3,x\n');
    const error = await failure({ file_path: path, sample_rows: 2 });
    expect(error.message).toBe(`${path}: line 4, column "n" (2): value "x" is not a 64-bit integer, the type inferred for the column from the first 2 rows (sample_rows: 2)`);
    expect(error.retryable).toBe(false);
    expect(error.hint).toContain('schema: { "n": utf8 }');
    expect(error.hint).toContain('sample_rows to 0');
    const { schema } = await read({ file_path: path, sample_rows: 0 });
    expect(types(schema)).toEqual(['id:Int64', 'n:Utf8']);
  });

  it('on_error fail: reports a malformed row with its line, counting lines across chunks', async () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},"x\ny"`).join('\n');
    const error = await failure({ file_path: csvFile(`a,b\n${body}\n7\n`), chunk_bytes: 32 });
    expect(error.message).toMatch(/cannot parse CSV at line 102: expected 2 fields, found 1/);
    expect(error.hint).toContain('delimiter');
  });

  it('on_error skip drops bad rows; reject sends them with line and reason to the reject port', async () => {
    const path = csvFile('id,amount\n1,2.5\n2,abc\n3\n4,4.5\n5,1,extra\n');
    const config: Config = { file_path: path, schema: { amount: 'float64' } };
    const skipped = await read({ ...config, on_error: 'skip' });
    expect(rows(skipped.table)).toEqual([{ id: 1n, amount: 2.5 }, { id: 4n, amount: 4.5 }]);
    expect(skipped.reject).toBeUndefined();
    expect(skipped.ctx.globals.get('skipped_count')).toBe(3);
    const rejected = await read({ ...config, on_error: 'reject', chunk_bytes: 16 });
    expect(rows(rejected.table)).toEqual(rows(skipped.table));
    expect(rows(rejected.reject!)).toEqual([
      { line: 3n, column: 'amount', column_index: 2, reason: 'column "amount" (2): value "abc" is not a number', record: '2,abc' },
      { line: 4n, column: null, column_index: null, reason: 'expected 2 fields, found 1', record: '3' },
      { line: 6n, column: null, column_index: null, reason: 'expected 2 fields, found 3', record: '5,1,extra' },
    ]);
    expect(rejected.ctx.globals.get('reject_count')).toBe(3);
  });

  it('schema overrides inference and names unknown columns', async () => {
    const path = csvFile('zip,n\n01234,1\n');
    const { table } = await read({ file_path: path, schema: { zip: 'utf8', n: 'float64' } });
    expect(rows(table)).toEqual([{ zip: '01234', n: 1 }]);
    expect(types(table.schema)).toEqual(['zip:Utf8', 'n:Float64']);
    const error = await failure({ file_path: path, schema: { zipp: 'utf8' } });
    expect(error.message).toContain('schema sets the type of "zipp", which the file does not have (its columns: zip, n)');
  });

  it('fails on bytes that are not UTF-8, naming the file, line, byte offset, column and the fix', async () => {
    // 0xE9 is é in latin1; the third line starts at byte 14.
    const path = csvFile(Buffer.concat([Buffer.from('id,name\n1,ada\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n3,bob\n')]));
    for (const on_error of ['fail', 'skip', 'reject'] as const) {
      const error = await failure({ file_path: path, on_error });
      expect(error.message).toBe(`${path}: line 3 is not valid UTF-8: byte 0xE9 at byte offset 19 (column 6)`);
      expect(error.hint).toContain('set encoding: windows-1252');
      expect(error.hint).toContain('encoding: latin1');
      expect(error.hint).toContain('iconv -f latin1 -t utf-8');
      expect(error.retryable).toBe(false);
    }
    const { table } = await read({ file_path: path, encoding: 'latin1' });
    expect(rows(table)).toEqual([{ id: 1n, name: 'ada' }, { id: 2n, name: 'café' }, { id: 3n, name: 'bob' }]);
  });

  it('reads windows-1252 (Excel on Windows): € and typographic quotes in 0x80-0x9F, which latin1 reads as C1 controls', async () => {
    // "5€", “quoted” (0x93/0x94), an em dash (0x97), œ (0x9C), and é (0xE9, the same in both).
    const bytes = Buffer.concat([
      Buffer.from('id,price,note\n1,5'), Buffer.from([0x80]), Buffer.from(',"'), Buffer.from([0x93]), Buffer.from('big ""deal""'), Buffer.from([0x94, 0x20, 0x97, 0x20, 0x9c, 0x75, 0x76, 0x72, 0x65]), Buffer.from('"\n'),
      Buffer.from('2,caf'), Buffer.from([0xe9]), Buffer.from(',plain\n'),
    ]);
    const path = csvFile(bytes);
    const windows = await read({ file_path: path, encoding: 'windows-1252' });
    expect(rows(windows.table)).toEqual([{ id: 1n, price: '5€', note: '“big "deal"” — œuvre' }, { id: 2n, price: 'café', note: 'plain' }]);
    const latin1 = await read({ file_path: path, encoding: 'latin1' });
    expect(rows(latin1.table)[0]).toEqual({ id: 1n, price: '5\u0080', note: '\u0093big "deal"\u0094 \u0097 \u009cuvre' });
    // A value that does not fit its column is quoted in the error as the charset reads it.
    const error = await failure({ file_path: path, encoding: 'windows-1252', schema: { price: 'float64' } });
    expect(error.message).toContain('value "5€" is not');
  });

  it('finds bytes that are not UTF-8 in the header and in a later chunk', async () => {
    const header = csvFile(Buffer.concat([Buffer.from('id,n'), Buffer.from([0xc3, 0x28]), Buffer.from('\n1,2\n')]));
    expect((await failure({ file_path: header })).message).toBe(`${header}: line 1 is not valid UTF-8: byte 0xC3 at byte offset 4 (column 5)`);
    const lines = Array.from({ length: 2000 }, (_, i) => `${i},"text ${i}\nsecond line"`).join('\n');
    const later = csvFile(Buffer.concat([Buffer.from(`id,t\n${lines}\n2000,"x`), Buffer.from([0xff]), Buffer.from('"\n')]));
    const error = await failure({ file_path: later, chunk_bytes: 4096 });
    const offset = Buffer.byteLength(`id,t\n${lines}\n2000,"x`);
    expect(error.message).toBe(`${later}: line 4002 is not valid UTF-8: byte 0xFF at byte offset ${offset} (column 8)`);
  });

  it('reports a missing file by path', async () => {
    const error = await failure({ file_path: '/no/such/file.csv' });
    expect(error.message).toBe('CSV file /no/such/file.csv does not exist');
    expect(error.retryable).toBe(false);
  });

  it('refuses a header that names a column twice, and a delimiter of two characters', async () => {
    expect((await failure({ file_path: csvFile('a,b,a\n1,2,3\n') })).message).toContain('names column "a" twice (columns 1 and 3)');
    expect((await failure({ file_path: csvFile('a\n'), delimiter: '::' })).message).toContain('delimiter must be one single-byte character');
  });

  it('stops when the run is aborted', async () => {
    const ctx = createTestContext<Config>({ config: { file_path: csvFile('a\n1\n') }, manifest: MANIFEST });
    ctx.abort(new Error('timeout'));
    await expect(csvSource.run({}, ctx)).rejects.toThrow('timeout');
  });
});
