// Templates inside SQL bind as query parameters (DESIGN.md: values bind, never splice): the
// real CLI runs postgres_source against the local PostgreSQL with the probe's injection payload.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pype, ROOT } from './scaffold-helpers.js';

const PROBE = "x' union all select pg_read_file('/etc/hostname') --";

describeWithService('postgres', 'templates in postgres_source.query bind as parameters', () => {
  const db = postgresTestConfig();
  const schema = uniqueName('pype_sql');
  const client = new pg.Client(db);
  const dir = mkdtempSync(join(tmpdir(), 'pype-sql-'));

  /** read (postgres_source, `query`) → out (json_sink array); returns the rows written. */
  function run(query: string, sets: Record<string, string>) {
    const out = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    const flow = join(dir, 'flow.yaml');
    writeFileSync(flow, `flow:\n  name: sql_templates\ncontext:\n  default:\n    schema: ${schema}\n    who: ada\n    day: "2024-01-31"\nmodules:
  - id: read
    name: postgres_source
    configs:
      required: { database: ${db.database}, query: ${JSON.stringify(query)} }
      optional: { host: ${db.host}, port: ${db.port}, user: ${db.user} }
  - id: out
    name: json_sink
    configs: { required: { output_path: ${JSON.stringify(out)} }, optional: { format: array } }
connections:
  data: ["read.data - out.input"]
`);
    const r = pype(['run', flow, '--log-file', join(dir, 'run.jsonl'), ...Object.entries(sets).flatMap(([k, v]) => ['--set', `${k}=${v}`])], ROOT);
    return { ...r, rows: existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[]) : undefined };
  }

  beforeAll(async () => {
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.query(`create table "${schema}".people (name text, day date)`);
    await client.query(`insert into "${schema}".people values ('ada', '2024-01-31'), ('bob', '2024-02-01')`);
  });
  afterAll(async () => {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  const QUERY = `select name from "{{context.schema}}".people where name = '{{context.who}}' order by name`;

  it('filters with a legitimate templated value, quoted or bare', () => {
    const quoted = run(QUERY, { who: 'ada' });
    expect(quoted.stderr).toBe('');
    expect(quoted.rows).toEqual([{ name: 'ada' }]);
    const bare = run(`select name from "{{context.schema}}".people where day = {{context.day}} or name = {{context.who}} order by name`, { who: 'bob' });
    expect(bare.stderr).toBe('');
    expect(bare.rows).toEqual([{ name: 'ada' }, { name: 'bob' }]);
  }, 120_000);

  it("reads the probe's injection payload as a plain value: no extra row, no server file", () => {
    const r = run(QUERY, { who: PROBE });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.rows).toEqual([]);
  }, 120_000);

  it('refuses a template spliced into a longer string literal, before connecting, with the fix', () => {
    const r = run(`select name from "{{context.schema}}".people where name like '%{{context.who}}%'`, { who: PROBE });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('{{context.who}} in read.configs.query stands inside a string literal: a value is never spliced into SQL text');
    expect(r.stderr).toContain("fix: make the whole literal the template ('{{context.x}}'), or build the text in SQL: '%' || {{context.x}} || '%'");
    expect(r.rows).toBeUndefined();
  }, 120_000);
});
