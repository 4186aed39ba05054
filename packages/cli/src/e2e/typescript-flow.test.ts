import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const pype = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });

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

  it('reports a file that exports no flow', () => {
    const r = pype(['export', 'packages/cli/src/index.ts']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/does not export a flow/);
  });
});
