import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
// The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
const pype = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('TypeScript flows', () => {
  it('build the same DAG and execution plan as their YAML twin', () => {
    const out = mkdtempSync(join(tmpdir(), 'pype-ts-'));
    const fromYaml = pype(['build', 'examples/sample_etl.yaml', '--out', join(out, 'yaml')]);
    const fromTs = pype(['build', 'examples/sample_etl.ts', '--out', join(out, 'ts')]);
    expect(fromYaml.status, fromYaml.stderr).toBe(0);
    expect(fromTs.status, fromTs.stderr).toBe(0);
    const read = (kind: string, file: string) => JSON.parse(readFileSync(join(out, kind, 'sample_etl', file), 'utf8'));
    expect(read('ts', 'sample_etl_dag.json')).toEqual(read('yaml', 'sample_etl_dag.json'));
    const meta = (kind: string) => ({ ...read(kind, 'sample_etl_execution_metadata.json'), built_at: 'x' });
    expect(meta('ts')).toEqual(meta('yaml'));
    expect(read('ts', 'context/sample_etl_default.json')).toEqual(read('yaml', 'context/sample_etl_default.json'));
  });

  it('pype export prints YAML that parses to the same document as the twin', () => {
    const r = pype(['export', 'examples/sample_etl.ts', '--yaml']);
    expect(r.status, r.stderr).toBe(0);
    const twin = parse(readFileSync(join(ROOT, 'examples/sample_etl.yaml'), 'utf8'));
    expect(parse(r.stdout)).toEqual(twin);
  });

  it('type-checks the factories: misspelled keys, wrong types, missing keys and ports do not compile', () => {
    // examples/typed-flow-errors.ts marks each mistake with @ts-expect-error; tsc fails when one compiles.
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'examples/tsconfig.json'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(r.status, r.stdout).toBe(0);
  });

  it('turns the exported Context type into the job\'s context_schema and checks every run\'s context against it', () => {
    const out = mkdtempSync(join(tmpdir(), 'pype-ts-'));
    expect(pype(['build', 'examples/sample_etl.ts', '--out', out]).status).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'sample_etl', 'sample_etl_execution_metadata.json'), 'utf8'));
    expect(meta.context_schema).toMatchObject({ type: 'object', required: ['data_dir', 'out_dir'], additionalProperties: false, properties: { data_dir: { type: 'string' } } });
    const r = pype(['run', join(out, 'sample_etl'), '--set', 'data_dir=42', '--set', 'dta_dir=x']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/does not match the flow's context_schema, 2 problems/);
    expect(r.stderr).toMatch(/- data_dir: "data_dir" must be a string \(got number 42\)/);
    expect(r.stderr).toMatch(/- dta_dir: unknown key "dta_dir". Did you mean "data_dir"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a file that exports no flow', () => {
    const r = pype(['export', 'packages/cli/src/index.ts']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/does not export a flow/);
  });
}, 240_000);
