// union_mod's many input port through the built CLI: two CSV files of different columns and types
// stacked into one (DuckDB reads the output back equal to its own UNION ALL BY NAME of the inputs),
// and pype validate refusing a third input whose column cannot meet the others, naming the
// module, the input and the column, before anything runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWithDuckDb } from './read-with-duckdb.js';
import { BIN, ROOT } from './scaffold-helpers.js';

function pype(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SOURCES: Record<string, string> = {
  a: `SELECT i AS id, CASE WHEN i % 5 = 2 THEN NULL ELSE (['ann', 'Ünïcödé', '東京'])[i % 3 + 1] END AS name, i % 4 AS amount FROM range(40) r(i)`,
  b: `SELECT i % 7 AS id, (i % 5) * 1.25 AS amount, 'tag ' || (i % 3) AS tag FROM range(25) r(i)`,
  c: `SELECT i AS id, DATE '2024-01-01' + i::INTEGER AS amount FROM range(5) r(i)`,
};

function flowText(dir: string, inputs: string[]): string {
  const reads = inputs.map((n) => `  - id: read_${n}\n    name: csv_source\n    configs: { required: { file_path: ${JSON.stringify(join(dir, `${n}.csv`))} } }`);
  return `flow:\n  name: stacked\nmodules:\n${reads.join('\n')}
  - id: all
    name: union_mod
    configs: { required: {}, optional: { by_name: true } }
  - id: write
    name: csv_sink
    configs: { required: { output_path: ${JSON.stringify(join(dir, 'out.csv'))} } }
connections:
  data:
${inputs.map((n) => `    - "read_${n}.data - all.inputs"`).join('\n')}
    - "all.output - write.input"
`;
}

describe('union_mod through pype', () => {
  it('stacks CSV files of different columns as DuckDB does, and refuses columns that cannot meet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-union-e2e-'));
    for (const [name, sql] of Object.entries(SOURCES)) await readWithDuckDb(`COPY (${sql}) TO '${join(dir, `${name}.csv`)}' (HEADER)`);
    const good = join(dir, 'good.yaml');
    writeFileSync(good, flowText(dir, ['a', 'b']));
    const r = pype(['run', good, '--log-file', join(dir, 'run.jsonl')]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const read = (n: string) => `read_csv('${join(dir, `${n}.csv`)}')`;
    const expected = `SELECT * FROM (SELECT * FROM ${read('a')} UNION ALL BY NAME SELECT * FROM ${read('b')})`;
    const out = `read_csv('${join(dir, 'out.csv')}', columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'amount': 'DOUBLE', 'tag': 'VARCHAR'})`;
    expect(await readWithDuckDb(`SELECT count(*) AS n FROM ${out}`)).toEqual([{ n: '65' }]);
    expect(await readWithDuckDb(`SELECT * FROM ${out} EXCEPT ALL ${expected}`)).toEqual([]);
    expect(await readWithDuckDb(`${expected} EXCEPT ALL SELECT * FROM ${out}`)).toEqual([]);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, flowText(dir, ['a', 'b', 'c']).replace(join(dir, 'out.csv'), join(dir, 'never.csv')));
    const v = pype(['validate', bad]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/bad\.yaml:\d+:\d+ error at modules\[3\]\.configs.*: union_mod node "all".*column "amount" of inputs\[2\] is DATE, which does not meet DOUBLE/);
    expect(v.stderr).not.toMatch(/\n\s+at /);
    expect(pype(['run', bad]).code).toBe(1);
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
  }, 240_000);
});
