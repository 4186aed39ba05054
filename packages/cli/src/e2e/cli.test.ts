import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readWithDuckDb } from './read-with-duckdb.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');

function pype(args: string[], cwd = ROOT) {
  // The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The sample flow, with its output redirected into a temp folder. */
function sampleFlowInto(outDir: string): string {
  const flow = readFileSync(join(ROOT, 'examples/sample_etl.yaml'), 'utf8')
    .replace('data_dir: examples/data', `data_dir: ${join(ROOT, 'examples/data')}`)
    .replace('out_dir: out', `out_dir: ${outDir}`);
  const file = join(outDir, 'sample_etl.yaml');
  writeFileSync(file, flow);
  return file;
}

describe('pype CLI end to end', () => {
  it('builds the sample flow into a job folder', () => {
    const out = mkdtempSync(join(tmpdir(), 'pype-e2e-'));
    const r = pype(['build', sampleFlowInto(out), '--out', join(out, 'jobs')]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const job = join(out, 'jobs', 'sample_etl');
    for (const f of ['sample_etl.yaml', 'sample_etl_dag.json', 'sample_etl_execution_metadata.json', 'context/sample_etl_default.json']) {
      expect(existsSync(join(job, f)), f).toBe(true);
    }
    const dag = JSON.parse(readFileSync(join(job, 'sample_etl_dag.json'), 'utf8'));
    expect(dag.nodes.source_csv).toMatchObject({ package: '@pypeline/mod-csv-source', type: 'source', entry: './dist/index.js', output_ports: ['data', 'reject'] });
    expect(dag.nodes.source_csv.version).toMatch(/^\d+\.\d+\.\d+/);
    const meta = JSON.parse(readFileSync(join(job, 'sample_etl_execution_metadata.json'), 'utf8'));
    expect(meta.subflows.map((s: any) => s.modules)).toEqual([['source_csv', 'transform_data', 'enrich', 'output_parquet'], ['report']]);
    expect(meta.control_edges).toEqual([expect.objectContaining({ from: 'output_parquet', to: 'report', order: 1, order_text: 'Last' })]);
  });

  it('runs the sample flow; DuckDB reads back exactly the rows with age > 18, with the CASE and strftime columns DuckDB computes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pype-e2e-'));
    const flow = sampleFlowInto(out);
    expect(pype(['build', flow, '--out', join(out, 'jobs')]).code).toBe(0);
    const r = pype(['run', join(out, 'jobs', 'sample_etl')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ sample_etl succeeded/);
    expect(r.stdout).toMatch(/output_parquet#0\s+success/);

    const csv = join(ROOT, 'examples/data/people.csv');
    const parquet = join(out, 'adults.parquet');
    // The same projection on both sides, so the comparison is about values, not inferred widths.
    const cols = 'id::BIGINT AS id, name, age::BIGINT AS age, amount::DOUBLE AS amount, category, created::DATE AS created';
    const derived = "CASE WHEN age < 30 THEN 'under 30' WHEN age < 60 THEN '30-59' ELSE '60+' END AS age_group, strftime(created, '%Y-%m') AS month";
    const expected = await readWithDuckDb(`SELECT ${cols}, ${derived} FROM read_csv('${csv}') WHERE age > 18 ORDER BY id`);
    const actual = await readWithDuckDb(`SELECT ${cols}, age_group, month FROM read_parquet('${parquet}') ORDER BY id`);
    expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
    expect(r.stdout).toContain(`${expected.length} of 40 rows`);
  });

  it('runs a flow file directly (built in a temp folder)', () => {
    const out = mkdtempSync(join(tmpdir(), 'pype-e2e-'));
    const r = pype(['run', sampleFlowInto(out)]);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'adults.parquet'))).toBe(true);
  });

  it('validate prints every problem with its line, exit 1, no stack trace', () => {
    const r = pype(['validate', 'examples/broken_flow.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    for (const p of [
      /broken_flow.yaml:5:1 error at setings: unknown key "setings". Did you mean "settings"\?/,
      /:10:\d+ error at modules\[0\].name: read: unknown module "csv_sorce". Did you mean "csv_source"\?/,
      /:14:\d+ error at modules\[1\].id: duplicate module id "read"/,
    ]) expect(r.stderr).toMatch(p);
  });

  it('build fails with exit 1 and shows a stack only with --debug', () => {
    const out = mkdtempSync(join(tmpdir(), 'pype-e2e-'));
    const bad = join(out, 'bad.yaml');
    writeFileSync(bad, 'flow:\n  name: x\nmodules:\n  - id: a\n    name: log_message\n');
    const plain = pype(['build', bad, '--out', out]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/bad.yaml:\d+:\d+ error at modules\[0\]\.configs\.required: a \(log_message\): missing required config key "message"/);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = pype(['build', bad, '--out', out, '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('a failing run names the module, its error, the fix and the log line', () => {
    const out = mkdtempSync(join(tmpdir(), 'pype-e2e-'));
    const flow = sampleFlowInto(out).replace(/$/, '');
    writeFileSync(flow, readFileSync(flow, 'utf8').replace('people.csv', 'missing.csv'));
    const r = pype(['run', flow]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✗ sample_etl failed .*source_csv \(csv_source\) failed: .*missing\.csv/);
    expect(r.stderr).toMatch(/log: .*\.jsonl:\d+/);
    const [, file, line] = /log: (.*\.jsonl):(\d+)/.exec(r.stderr)!;
    const logged = JSON.parse(readFileSync(file, 'utf8').split('\n')[Number(line) - 1]);
    expect(logged).toMatchObject({ event: 'module.failed', node_id: 'source_csv#0' });
  });

  it('hostile flows end in a clean error and exit 1, never a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-e2e-'));
    const cases = {
      'alias-bomb.yaml': `a: &a [${'*a,'.repeat(1000)}]\n`,
      'deep.yaml': `flow:\n  name: deep\nmodules: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      'binary.yaml': Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)).toString('latin1'),
      'unicode.yaml': 'flow:\n  name: "\u202e😀"\nmodules:\n  - id: "é"\n    name: 12\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      writeFileSync(join(dir, name), text);
      for (const cmd of ['validate', 'build']) {
        const r = pype([cmd, join(dir, name), ...(cmd === 'build' ? ['--out', dir] : [])]);
        expect(r.code, `${cmd} ${name}: ${r.stderr}`).toBe(1);
        expect(r.stderr, `${cmd} ${name}`).toMatch(/✗/);
        expect(r.stderr, `${cmd} ${name}`).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/);
      }
    }
  });

  it('never prints a secret, even with --debug', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-e2e-'));
    const flow = join(dir, 'secret.yaml');
    writeFileSync(flow, `flow:\n  name: secret_flow\nmodules:\n  - id: say\n    name: log_message\n    configs:\n      required:\n        message: "token is {{secret.api_token}}"\n  - id: read\n    name: csv_source\n    configs:\n      required:\n        file_path: "/nonexistent/{{secret.api_token}}.csv"\nconnections:\n  control:\n    - "say (1|) read"\n`);
    const value = 'hunter2-SECRET-value';
    const r = spawnSync(process.execPath, [BIN, 'run', flow, '--debug', '-v'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PYPE_SECRET_API_TOKEN: value }, timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('token is ***');
    expect(r.stdout + r.stderr).not.toContain(value);
  });

  it('reports a missing flow file clearly', () => {
    const r = pype(['validate', 'nope.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/flow file not found: nope.yaml/);
  });
}, 300_000);
