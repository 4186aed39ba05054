import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { check, fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { runJob, type RunResult } from './run-job.js';

async function run(yaml: string): Promise<RunResult> {
  const { jobDir } = buildFlow(writeFlow(yaml), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
  return runJob(jobDir, { searchDirs: [fixtureProject()] });
}

// A stream of 50 rows read by two sinks: stored once for both (spilled over threshold_rows: 1),
// and a stream read by one sink (passed through in batch mode).
const flow = (mode: string) => flowYaml({
  settings: `  execution_mode: ${mode}\n  spill:\n    threshold_rows: 1`,
  modules: [
    '  - id: src\n    name: stream_rows\n    configs:\n      required:\n        batches: 5',
    '  - id: one\n    name: count_sink',
    '  - id: two\n    name: count_sink',
    '  - id: solo_src\n    name: stream_rows\n    configs:\n      required:\n        batches: 3',
    '  - id: only\n    name: count_sink',
  ].join('\n'),
  data: ['src.data - one.input', 'src.data - two.input', 'solo_src.data - only.input'],
});

describe('settings.execution_mode', () => {
  it('batch spills a shared artifact over the threshold; memory keeps every artifact whole in memory', async () => {
    const batch = await run(flow('batch'));
    expect(batch.status).toBe('success');
    expect(batch.events.filter((e) => e.type === 'artifact.spilled').map((e) => (e as any).rows)).toEqual([50]);

    const memory = await run(flow('memory'));
    expect(memory.status).toBe('success');
    expect(memory.events.filter((e) => e.type === 'artifact.spilled')).toEqual([]);
    // Each sink was handed a whole table: its row count is known before it reads a batch.
    expect(memory.globals).toMatchObject({ 'one#0.seen': 50, 'two#0.seen': 50, 'only#0.seen': 30 });
  });

  it('refuses an unknown mode with the allowed list', () => {
    const r = check(flow('pandas'));
    expect(r.errors.map((e) => e.message).join('\n')).toMatch(/execution_mode.*(batch.*memory.*distributed.*stream)/s);
  });
});
