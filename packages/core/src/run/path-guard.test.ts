import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { runJob } from './run-job.js';

function flow(root: string, path: string): string {
  return flowYaml({
    settings: `  allowed_root: ${root}`,
    context: `  default:\n    target: "${path}"`,
    modules: `  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: 2\n  - id: w\n    name: write_sink\n    configs:\n      required:\n        path: "{{context.target}}"\n        runs_log: ${join(root, 'runs.log')}`,
    data: ['src.data - w.input'],
  });
}

async function run(root: string, path: string) {
  const { jobDir } = buildFlow(writeFlow(flow(root, path)), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
  return runJob(jobDir, { searchDirs: [fixtureProject()] });
}

describe('settings.allowed_root', () => {
  const root = mkdtempSync(join(tmpdir(), 'pype-root-'));
  mkdirSync(join(root, 'out'));
  symlinkSync(tmpdir(), join(root, 'escape'));

  it('allows paths inside the root', async () => {
    expect((await run(root, join(root, 'out', 'a.json'))).status).toBe('success');
  });

  it.each([
    ['a ../ escape', (r: string) => join(r, 'out', '..', '..', 'x.json')],
    ['an absolute path elsewhere', () => join(tmpdir(), 'elsewhere.json')],
    ['a symlink out of the root', (r: string) => join(r, 'escape', 'x.json')],
  ])('refuses %s (templated in) before the module runs', async (_, make) => {
    const r = await run(root, make(root));
    expect(r.status).toBe('failed');
    expect(r.errors[0].message).toMatch(/w: config "path" points outside settings.allowed_root/);
    expect(r.events.some((e) => e.type === 'log')).toBe(false);
  });
});
