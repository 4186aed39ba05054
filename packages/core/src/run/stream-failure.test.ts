import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { runJob, type RunResult } from './run-job.js';

// A streaming source whose stream fails while a downstream module reads it: the error is the
// source's, so the source is named in the headline and marked failed; its readers did not fail
// on their own and are marked skipped.
const READ = '  - id: read\n    name: stream_rows\n    configs:\n      required:\n        batches: 5\n      optional:\n        fail_at: 2';
const PASS = '  - id: pass\n    name: stream_pass';
const TAG = '  - id: tag\n    name: stamp_rows';
const OUT = '  - id: out\n    name: count_sink';

async function run(yaml: string): Promise<RunResult> {
  const { jobDir } = buildFlow(writeFlow(yaml), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
  return runJob(jobDir, { searchDirs: [fixtureProject()] });
}

const statuses = (r: RunResult) => Object.fromEntries(r.modules.map((m) => [m.nodeId, m.status]));

describe('a stream that fails while it is read', () => {
  it('names the module whose stream failed, and marks its readers skipped', async () => {
    const r = await run(flowYaml({ modules: [READ, PASS, TAG, OUT].join('\n'), data: ['read.data - pass.input', 'pass.output - tag.input', 'tag.output - out.input'] }));
    expect(r.status).toBe('failed');
    expect(r.errors.map((e) => [e.message, e.hint])).toEqual([['read (stream_rows) failed: cannot parse batch 2', 'fix batch 2']]);
    expect(statuses(r)).toEqual({ 'read#0': 'failed', 'pass#0': 'skipped', 'tag#0': 'skipped', 'out#0': 'skipped' });
    expect(r.modules.find((m) => m.nodeId === 'pass#0')?.error).toBe('upstream read (stream_rows) failed');
    expect(r.modules.find((m) => m.nodeId === 'tag#0')?.error).toBe('upstream read (stream_rows) failed');
  }, 60_000);

  it('does the same inside an ITERATE scope, per iteration', async () => {
    const LIST = '  - id: list\n    name: emit_rows\n    configs:\n      required:\n        rows: 2';
    const r = await run(flowYaml({
      settings: '  fail_strategy: continue',
      modules: [LIST, READ, TAG, OUT].join('\n'),
      data: ['read.data - tag.input', 'tag.output - out.input'],
      control: ['list (iterate|) read'],
    }));
    expect(r.status).toBe('failed');
    expect(r.errors.map((e) => e.message)).toEqual(['read (stream_rows) failed: cannot parse batch 2', 'read (stream_rows) failed: cannot parse batch 2']);
    expect(r.errors.map((e) => e.nodeId)).toEqual(['read#0', 'read#1']);
    expect(statuses(r)).toEqual({ 'list#0': 'success', 'read#0': 'failed', 'tag#0': 'skipped', 'out#0': 'skipped', 'read#1': 'failed', 'tag#1': 'skipped', 'out#1': 'skipped' });
  }, 60_000);
});
