// End to end: the column types csv_source and json_source infer become the PostgreSQL column
// types postgres_sink creates (bigint, timestamptz, boolean, date), through the real CLI, on
// files whose int32 overflow comes after the inference sample.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const ROWS = 60_000;

function pype(args: string[]) {
  // The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 170_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TIMES = ['2024-01-31 08:30:00', '2024-01-31T08:30:00+02:00', '2024-02-29T23:59:59.250Z'];

function csvRow(i: number): string {
  const nul = i % 7 === 3;
  const n = i === 50_000 ? '2767891499' : String(i);
  const big = i === 50_001 ? '9223372036854775807' : String(i);
  return `${i},${n},${big},${nul ? '' : TIMES[i % 3]},${nul ? '' : i % 2 ? 'true' : 'FALSE'},${nul ? '' : '2024-03-01'},${i / 2},name ${i}`;
}

function jsonRow(i: number): string {
  const n = i === 50_000 ? 2767891499 : i;
  const big = i === 50_001 ? '9223372036854775807' : i === 50_002 ? '9007199254740993' : String(i);
  return `{"id": ${i}, "n": ${n}, "big": ${big}, "at": "${TIMES[i % 3]}", "ok": ${i % 2 === 1}, "day": "2024-03-01"}`;
}

function flow(source: string, file: string, table: string, schema: string): string {
  const db = postgresTestConfig();
  return `flow:
  name: inferred_types_${table}
  version: 1.0.0
modules:
  - id: read
    name: ${source}
    configs:
      required:
        file_path: ${file}
  - id: load
    name: postgres_sink
    configs:
      required:
        database: ${db.database}
        table: ${table}
      optional:
        host: ${db.host}
        port: ${db.port}
        user: ${db.user}
        schema: ${schema}
        create_table: true
connections:
  data:
    - "read.data - load.input"
`;
}

describeWithService('postgres', 'inferred csv_source and json_source types in PostgreSQL', () => {
  const db = postgresTestConfig();
  // Tables of unique names in public, dropped afterwards.
  const schema = 'public';
  const tables = { csv: uniqueName('pype_types_csv'), json: uniqueName('pype_types_json'), iter: uniqueName('pype_types_iter') };
  const client = new pg.Client(db);
  const dir = mkdtempSync(join(tmpdir(), 'pype-types-'));
  const columnTypes = async (table: string) =>
    Object.fromEntries((await client.query(`select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2`, [schema, table])).rows.map((r) => [r.column_name, r.data_type]));

  beforeAll(() => client.connect());
  afterAll(async () => {
    for (const table of Object.values(tables)) await client.query(`drop table if exists ${schema}."${table}"`);
    await client.end();
  });

  it('csv_source: a late int32 overflow and int64 max load into bigint; timestamps, booleans and dates into timestamptz, boolean and date', async () => {
    writeFileSync(join(dir, 'rows.csv'), `id,n,big,at,ok,day,half,name\n${Array.from({ length: ROWS }, (_, i) => csvRow(i)).join('\n')}\n`);
    writeFileSync(join(dir, 'csv.yaml'), flow('csv_source', join(dir, 'rows.csv'), tables.csv, schema));
    const r = pype(['run', join(dir, 'csv.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await columnTypes(tables.csv)).toEqual({
      id: 'bigint', n: 'bigint', big: 'bigint', at: 'timestamp with time zone', ok: 'boolean', day: 'date', half: 'double precision', name: 'text',
    });
    const rows = (await client.query(`select id, n::text, big::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as at, ok, day::text from ${schema}."${tables.csv}" where id in (0, 1, 2, 3, 50000, 50001) order by id`)).rows;
    expect(rows).toEqual([
      { id: '0', n: '0', big: '0', at: '2024-01-31 08:30:00.000', ok: false, day: '2024-03-01' },
      { id: '1', n: '1', big: '1', at: '2024-01-31 06:30:00.000', ok: true, day: '2024-03-01' },
      { id: '2', n: '2', big: '2', at: '2024-02-29 23:59:59.250', ok: false, day: '2024-03-01' },
      { id: '3', n: '3', big: '3', at: null, ok: null, day: null },
      { id: '50000', n: '2767891499', big: '50000', at: '2024-02-29 23:59:59.250', ok: false, day: '2024-03-01' },
      { id: '50001', n: '50001', big: '9223372036854775807', at: '2024-01-31 08:30:00.000', ok: true, day: '2024-03-01' },
    ]);
    expect((await client.query(`select count(*)::int as n from ${schema}."${tables.csv}"`)).rows[0].n).toBe(ROWS);
  });

  it('json_source: a JSON array with a late int32 overflow, int64 max and 2^53 + 1 loads exactly into bigint', async () => {
    writeFileSync(join(dir, 'rows.json'), `[${Array.from({ length: ROWS }, (_, i) => jsonRow(i)).join(',\n')}]`);
    writeFileSync(join(dir, 'json.yaml'), flow('json_source', join(dir, 'rows.json'), tables.json, schema));
    const r = pype(['run', join(dir, 'json.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await columnTypes(tables.json)).toEqual({ id: 'bigint', n: 'bigint', big: 'bigint', at: 'timestamp with time zone', ok: 'boolean', day: 'date' });
    const rows = (await client.query(`select id, n::text, big::text from ${schema}."${tables.json}" where id in (50000, 50001, 50002) order by id`)).rows;
    expect(rows).toEqual([
      { id: '50000', n: '2767891499', big: '50000' },
      { id: '50001', n: '50001', big: '9223372036854775807' },
      { id: '50002', n: '50002', big: '9007199254740993' },
    ]);
  });

  it('{{iter.index}} in a derived column stays a whole number: bigint in PostgreSQL, one value per file (counted from 0)', async () => {
    const folder = join(dir, 'parts');
    mkdirSync(folder);
    for (const f of ['a', 'b', 'c']) writeFileSync(join(folder, `${f}.csv`), `id,name\n1,${f}1\n2,${f}2\n`);
    const db = postgresTestConfig();
    writeFileSync(join(dir, 'iter.yaml'), `flow:
  name: iter_index_types
modules:
  - { id: files, name: file_list, configs: { required: { directory: ${folder} }, optional: { pattern: "*.csv", sort: name } } }
  - { id: read, name: csv_source, configs: { required: { file_path: "{{iter.item.path}}" } } }
  - id: tag
    name: derive_mod
    configs:
      required:
        columns:
          file_no: "{{iter.index}}"
          row_key: "{{iter.index}} * 1000 + id"
  - id: load
    name: postgres_sink
    configs:
      required: { database: ${db.database}, table: ${tables.iter} }
      optional: { host: ${db.host}, port: ${db.port}, user: ${db.user}, schema: ${schema}, create_table: true, mode: append }
connections:
  data:
    - "read.data - tag.input"
    - "tag.output - load.input"
  control:
    - "files (iterate|) read"
`);
    const r = pype(['run', join(dir, 'iter.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await columnTypes(tables.iter)).toEqual({ id: 'bigint', name: 'text', file_no: 'bigint', row_key: 'bigint' });
    const rows = (await client.query(`select name, file_no::text, row_key::text from ${schema}."${tables.iter}" order by name`)).rows;
    expect(rows.map((row) => `${row.name}:${row.file_no}:${row.row_key}`)).toEqual(['a1:0:1', 'a2:0:2', 'b1:1:1001', 'b2:1:1002', 'c1:2:2001', 'c2:2:2002']);
  });
}, 200_000);
