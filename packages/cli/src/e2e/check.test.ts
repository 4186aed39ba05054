// `pype check` against the real file system and the local PostgreSQL: each module says whether
// it could run now, without reading data or writing anything.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { output, pype, ROOT } from './scaffold-helpers.js';

describeWithService('postgres', 'pype check', () => {
  const db = postgresTestConfig();
  const schema = uniqueName('pype_check');
  const client = new pg.Client(db);
  const dir = mkdtempSync(join(tmpdir(), 'pype-check-'));
  const conn = `host: ${db.host}, port: ${db.port}, user: ${db.user}`;

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.query(`create table "${schema}".orders (id int, amount numeric)`);
    writeFileSync(join(dir, 'orders.csv'), 'id,amount\n1,9.5\n');
  });
  afterAll(async () => {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  });

  function flow(name: string, modules: string): string {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `flow:\n  name: ${name}\ncontext:\n  default:\n    dir: ${JSON.stringify(dir)}\nmodules:\n${modules}`);
    return file;
  }

  it('says what each module found, and exits 0 when all could run', () => {
    const file = flow('ready', `
  - id: read
    name: csv_source
    configs: { required: { file_path: "{{context.dir}}/orders.csv" } }
  - id: keep
    name: filter_mod
    configs: { required: { condition: "amount > 1" } }
  - id: load
    name: postgres_sink
    configs: { required: { database: ${db.database}, table: orders }, optional: { schema: ${schema}, ${conn} } }
  - id: fresh
    name: postgres_sink
    configs: { required: { database: ${db.database}, table: not_yet }, optional: { schema: ${schema}, create_table: true, ${conn} } }
  - id: query
    name: postgres_source
    configs: { required: { database: ${db.database}, query: "select id from ${schema}.orders where amount > $1" }, optional: { params: [1], ${conn} } }
connections:
  data: ["read.data - keep.input", "keep.output - load.input", "keep.output - fresh.input"]
`);
    const r = pype(['check', file], ROOT);
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`✓\\s+read\\s+csv_source\\s+${dir}/orders.csv: readable, 16 B`));
    expect(r.stdout).toMatch(/–\s+keep\s+filter_mod\s+a transform: nothing outside the flow to check/);
    expect(r.stdout).toMatch(new RegExp(`✓\\s+load\\s+postgres_sink\\s+postgres://${db.user}@${db.host}:${db.port}/${db.database} \\(PostgreSQL [^)]+\\): table "${schema}"."orders" exists; INSERT allowed`));
    expect(r.stdout).toContain(`table "${schema}"."not_yet" will be created`);
    expect(r.stdout).toMatch(/✓\s+query\s+postgres_source\s+.*the query plans/);
    expect(r.stdout).toContain('4 ready, 0 failed, 1 without a check');
  });

  it('reports every module that could not run, with its fix, exit 1, and writes nothing', async () => {
    const file = flow('broken', `
  - id: read
    name: csv_source
    configs: { required: { file_path: "{{context.dir}}/missing.csv" } }
  - id: load
    name: postgres_sink
    configs: { required: { database: ${db.database}, table: nowhere }, optional: { schema: ${schema}, ${conn} } }
  - id: query
    name: postgres_source
    configs: { required: { database: ${db.database}, query: "select nope from ${schema}.orders" }, optional: { ${conn} } }
  - id: down
    name: postgres_source
    configs: { required: { database: ${db.database}, query: "select 1" }, optional: { host: 127.0.0.1, port: 1, user: ${db.user} } }
  - id: save
    name: parquet_sink
    configs: { required: { output_path: "{{context.dir}}/out/x.parquet" } }
connections:
  data: ["read.data - save.input", "read.data - load.input"]
`);
    const r = pype(['check', file], ROOT);
    expect(r.status, output(r)).toBe(1);
    expect(r.stdout).toMatch(/✗\s+read\s+csv_source\s+file_path ".*missing\.csv" does not exist/);
    expect(r.stdout).toMatch(new RegExp(`✗\\s+load\\s+postgres_sink\\s+table "${schema}"."nowhere" does not exist`));
    expect(r.stderr).toContain('✗ load: table');
    expect(r.stderr).toContain('fix: create it, check table and schema, or set create_table: true');
    expect(r.stdout).toMatch(/✗\s+query\s+postgres_source\s+.*query does not plan.*column "nope" does not exist/);
    expect(r.stdout).toMatch(/✗\s+down\s+postgres_source\s+/);
    expect(r.stdout).toMatch(/✓\s+save\s+parquet_sink\s+.*x\.parquet: will be created/);
    expect(r.stdout).toContain('1 ready, 4 failed');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const tables = await client.query('select count(*)::int as n from pg_tables where schemaname = $1', [schema]);
    expect(tables.rows[0].n).toBe(1);
  });

  it('checks one module with --module, prints JSON, and names unknown modules', () => {
    const file = flow('one', `
  - id: read
    name: csv_source
    configs: { required: { file_path: "{{context.dir}}/orders.csv" } }
  - id: other
    name: csv_source
    configs: { required: { file_path: "{{context.dir}}/missing.csv" } }
`);
    const r = pype(['check', file, '--module', 'read', '--json'], ROOT);
    expect(r.status, output(r)).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(true);
    expect(json.modules.map((m: { id: string; status: string }) => `${m.id} ${m.status}`)).toEqual(['read ok']);
    const bad = pype(['check', file, '--module', 'raed'], ROOT);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('✗ no module "raed" in');
    expect(bad.stderr).toContain('fix: the modules: read, other');
  });

  it('pype discover: the columns a source would produce with a config given on the command line', () => {
    const csv = pype(['discover', 'csv_source', `file_path=${join(dir, 'orders.csv')}`, '--json'], ROOT);
    expect(csv.status, output(csv)).toBe(0);
    expect(JSON.parse(csv.stdout).ports.data).toEqual({ columns: [{ name: 'id', type: 'Int64', nullable: true }, { name: 'amount', type: 'Float64', nullable: true }] });
    const query = pype(['discover', 'postgres_source', `database=${db.database}`, `host=${db.host}`, `port=${db.port}`, `user=${db.user}`, `query=select id from ${schema}.orders`], ROOT);
    expect(query.status, output(query)).toBe(0);
    expect(query.stdout).toMatch(/data\s+id\s+Int32\s+yes/);
    const missing = pype(['discover', 'csv_source', `file_path=${join(dir, 'nope.csv')}`], ROOT);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(/data\s+unknown\s+CSV file .*nope\.csv does not exist/);
    const typo = pype(['discover', 'csv_source', 'file_pth=x.csv'], ROOT);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('Did you mean "file_path"?');
    const mod = pype(['discover', 'filter_mod'], ROOT);
    expect(mod.stderr).toContain('✗ filter_mod is a mod module: pype discover describes sources');
  });
});
