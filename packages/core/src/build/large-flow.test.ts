import { describe, expect, it } from 'vitest';
import { buildFlow } from './build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A long control chain: `steps` sub flows of source -> sink, each source started by the one
 * before it. Planning used to recurse once per step and scan every edge per module.
 */
function chainFlow(steps: number): string {
  const modules: string[] = [];
  const data: string[] = [];
  const control: string[] = [];
  for (let i = 0; i < steps; i++) {
    modules.push(`  - id: src_${i}\n    name: emit_rows\n    configs:\n      required:\n        rows: 1`, `  - id: out_${i}\n    name: count_sink`);
    data.push(`src_${i}.data - out_${i}.input`);
    if (i > 0) control.push(`src_${i - 1} (1|) src_${i}`);
  }
  return flowYaml({ modules: modules.join('\n'), data, control });
}

describe('planning a large flow', () => {
  it('builds 10,000 modules in a 5,000-step control chain without deep recursion', () => {
    const file = writeFlow(chainFlow(5000));
    const started = Date.now();
    const r = buildFlow(file, { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(fixtureProject(), 'jobs-')) });
    const ms = Date.now() - started;
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { metadata } = r.plan;
    expect(metadata.subflows).toHaveLength(5000);
    expect(metadata.roots).toEqual(['subflow_1']);
    expect(metadata.execution_order).toHaveLength(5000);
    expect(metadata.execution_order[4999]).toBe('subflow_5000');
    // Generous: linear planning takes a few seconds on a busy machine; the quadratic steps took minutes.
    expect(ms).toBeLessThan(60_000);
  }, 120_000);
});
