import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWithService, postgresTestConfig, uniqueName } from '@pypeline/test-services';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');

function pype(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A flow with each mistake of issue 15 (or, with `valid`, its corrected twin) writing into `dir`. */
function mistakesFlow(dir: string, valid: boolean): string {
  const pick = (bad: string, good: string) => (valid ? good : bad);
  const text = `flow:
  name: mistakes
modules:
  - id: read
    name: csv_source
    configs:
      required:
${pick('', `        file_path: ${join(ROOT, 'examples/data/people.csv')}\n`)}  - id: syntax
    name: filter_mod
    configs:
      required:
        condition: "${pick('age >> ) 18 (', 'age > 18')}"
  - id: names
    name: filter_mod
    configs:
      required:
        condition: "${pick('agee > 1 and yeer(created) > 2020', 'age > 1 and length(name) > 0')}"
  - id: totals
    name: aggregate_mod
    configs:
      required:
        aggregates:
          n: "${pick('count(distinct nam)', 'count(name)')}"
      optional:
        group_by: [category]
  - id: order
    name: sort_mod
    configs:
      required:
        by: ["${pick('n descending', 'n desc')}"]
  - id: out
    name: json_sink
    configs:
      required:
        output_path: ${join(dir, 'out.json')}
connections:
  data:
    - "read.data - syntax.input"
    - "syntax.output - names.input"
    - "names.output - totals.input"
    - "totals.output - order.input"
    - "order.output - out.input"
`;
  const file = join(dir, `${valid ? 'valid' : 'mistakes'}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('pype validate checks expressions and column names against the schemas', () => {
  it('rejects each mistake with its line and a fix, without running anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-schema-e2e-'));
    const r = pype(['validate', mistakesFlow(dir, false)]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const line = (pattern: RegExp) => {
      const hit = r.stderr.split('\n').find((l) => pattern.test(l));
      expect(hit, `no line matching ${pattern} in:\n${r.stderr}`).toBeDefined();
      return hit!;
    };
    expect(line(/missing required config key "file_path"/)).toMatch(/mistakes\.yaml:7:\d+ error at modules\[0\]\.configs\.required: read \(csv_source\)/);
    expect(line(/"syntax".*expected a value after '>'/)).toMatch(/mistakes\.yaml:12:26 /);
    expect(r.stderr).toMatch(/fix: add file_path: <string> under configs.required of read/);
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['mistakes.yaml']);
  });

  it('checks columns, functions, aggregates and sort keys once the source is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-schema-e2e-'));
    const file = mistakesFlow(dir, false).replace('mistakes.yaml', 'mistakes2.yaml');
    const valid = mistakesFlow(dir, true);
    // The valid twin's source with the other mistakes.
    writeFileSync(file, readFileSync(valid, 'utf8').replace('age > 1 and length(name) > 0', 'agee > 1 and yeer(created) > 2020').replace('count(name)', 'count(distinct nam)').replace('n desc"', 'n descending"'));
    const r = pype(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mistakes2\.yaml:18:21 error at modules\[2\]\.configs\.required\.condition: .*unknown column `agee`\n {4}fix: did you mean `age`\?/);
    expect(r.stderr).toMatch(/mistakes2\.yaml:18:34 .*unknown function `yeer\(\)`/);
    expect(r.stderr).toMatch(/mistakes2\.yaml:24:14 .*count\(distinct nam\).*\n {4}fix: the input's columns are: /);
    expect(r.stderr).toMatch(/mistakes2\.yaml:31:14 .*"descending" is not a direction\n {4}fix: write "n desc"/);
    expect(r.stderr).toMatch(/4 problems found/);
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
  });

  it('passes the valid twin, and pype build writes its schemas into the job folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-schema-e2e-'));
    const valid = mistakesFlow(dir, true);
    const r = pype(['validate', valid]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(pype(['build', valid, '--out', join(dir, 'jobs')]).code).toBe(0);
    expect(existsSync(join(dir, 'jobs', 'mistakes', 'mistakes_schemas.json'))).toBe(true);
  });
});

describeWithService('postgres', 'a flow with a mistake into PostgreSQL', () => {
  it('is rejected by pype validate and pype run before anything runs: no table, no rows', async () => {
    const db = postgresTestConfig();
    const table = uniqueName('pype_schema_e2e');
    const dir = mkdtempSync(join(tmpdir(), 'pype-schema-e2e-'));
    const file = join(dir, 'to_pg.yaml');
    writeFileSync(file, `flow:
  name: to_pg
modules:
  - id: read
    name: csv_source
    configs:
      required:
        file_path: ${join(ROOT, 'examples/data/people.csv')}
  - id: keep
    name: filter_mod
    configs:
      required:
        condition: "agee > 18"
  - id: load
    name: postgres_sink
    configs:
      required:
        table: ${table}
      optional:
        host: ${db.host}
        port: ${db.port}
        user: ${db.user}
        database: ${db.database}
        create_table: true
connections:
  data:
    - "read.data - keep.input"
    - "keep.output - load.input"
`);
    for (const command of ['validate', 'run']) {
      const r = pype([command, file]);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/to_pg\.yaml:13:\d+ error at modules\[1\]\.configs\.required\.condition: .*unknown column `agee`/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const client = new pg.Client(db);
    await client.connect();
    try {
      const found = await client.query('select count(*)::int as n from information_schema.tables where table_name = $1', [table]);
      expect(found.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  }, 240_000);
});

describe('pype validate on a TypeScript flow', () => {
  it('names the node and the config key, without line numbers of the generated YAML', () => {
    // Beside the example, so its imports of @pypeline packages resolve.
    const file = join(ROOT, 'examples', `schema-check-${process.pid}.ts`);
    writeFileSync(file, readFileSync(join(ROOT, 'examples/sample_etl.ts'), 'utf8').replace("condition: 'age > 18'", "condition: 'agee > 18'"));
    try {
      const r = pype(['validate', file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file} error at modules[1].configs.required.condition: filter_mod node "transform_data", configs.required.condition "agee > 18": unknown column \`agee\``);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe('pype schema', () => {
  it('prints the columns on each connection of the sample flow', () => {
    const r = pype(['schema', 'examples/sample_etl.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^edge\s+column\s+type\s+nullable/);
    expect(r.stdout).toMatch(/source_csv\.data - transform_data\.input\s+age\s+Int64\s+yes/);
    expect(r.stdout).toMatch(/transform_data\.output - enrich\.input\s+created\s+Date32<DAY>\s+yes/);
    expect(r.stdout).toMatch(/enrich\.output - output_parquet\.input\s+age_group\s+Utf8\s+yes/);
    expect(r.stdout).toMatch(/enrich\.output - output_parquet\.input\s+month\s+Utf8\s+yes/);
  });

  it('prints one connection as JSON, and unknown with its reason', () => {
    const r = pype(['schema', 'examples/sample_etl.yaml', '--edge', 'transform_data.output', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.edges).toHaveLength(1);
    expect(out.edges[0].columns.map((c: { name: string }) => c.name)).toEqual(['id', 'name', 'age', 'amount', 'category', 'created']);
    const loop = pype(['schema', 'examples/load_folder_to_postgres.yaml']);
    expect(loop.stdout).toMatch(/read\.data - load\.input\s+unknown\s+read\.configs\.file_path holds \{\{iter\.item\.path\}\}, known only at run time/);
    const missing = pype(['schema', 'examples/sample_etl.yaml', '--edge', 'nope.data']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no data connection from or to nope\.data/);
  });
});

