import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { loopbackExecutor } from '../testing/loopback-executor.js';
import { runJob } from './run-job.js';

/** A loop over 2 items inside a loop over 2 items; the sink records `runId frame nodeId`. */
function nestedLoops(): { job: string; ids: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pype-ids-'));
  const ids = join(dir, 'ids.log');
  const yaml = flowYaml({
    modules: [
      '  - { id: outer, name: emit_rows, configs: { required: { rows: 2 } } }',
      '  - { id: inner, name: emit_rows, configs: { required: { rows: 2 } } }',
      '  - { id: e, name: emit_rows, configs: { required: { rows: 1 } } }',
      `  - { id: w, name: write_sink, configs: { required: { path: "${dir}/w.json", runs_log: "${dir}/runs.log" }, optional: { ids_log: "${ids}", delay_ms: 100 } } }`,
    ].join('\n'),
    data: ['e.data - w.input'],
    control: ['outer (iterate|) inner', 'inner (iterate|) e'],
  });
  return { job: buildFlow(writeFlow(yaml), { searchDirs: [fixtureProject()], outDir: join(dir, 'jobs') }).jobDir, ids };
}

const records = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ')) : []);

/** Runs the job and stops it once the sink recorded `after` writes, as Ctrl-C would. */
async function interrupted(job: string, ids: string, after: number) {
  const controller = new AbortController();
  const run = runJob(job, { searchDirs: [fixtureProject()], signal: controller.signal });
  for (let i = 0; i < 2000 && records(ids).length < after; i++) await new Promise((r) => setTimeout(r, 10));
  controller.abort(new Error('stop'));
  return run;
}

describe('the run identity modules see (ctx.runId, ctx.frame)', () => {
  it('gives nested loop frames their own keys, and a resumed run the interrupted run\'s id', async () => {
    const { job, ids } = nestedLoops();
    const first = await interrupted(job, ids, 2);
    expect(first.resumable).toBe(true);

    const resumed = await runJob(job, { searchDirs: [fixtureProject()], resume: true });
    expect(resumed.status).toBe('success');
    expect(resumed.runId).not.toBe(first.runId);
    const seen = records(ids);
    expect(new Set(seen.map(([runId]) => runId))).toEqual(new Set([first.runId]));
    expect(new Set(seen.map(([, frame, nodeId]) => `${frame} ${nodeId}`))).toEqual(new Set(['0.0 w#0.0', '0.1 w#0.1', '1.0 w#1.0', '1.1 w#1.1']));
  }, 60_000);

  it('carries the run\'s id to workers: a run resumed on an executor keeps the interrupted run\'s id', async () => {
    const { job, ids } = nestedLoops();
    const first = await interrupted(job, ids, 1);

    const executor = loopbackExecutor();
    const resumed = await runJob(job, { executor, searchDirs: ['/nonexistent'], resume: true });
    expect(resumed.status).toBe('success');
    expect(new Set(executor.tasks.map((t) => [t.runId, t.originRunId].join(' ')))).toEqual(new Set([`${resumed.runId} ${first.runId}`]));
    expect(new Set(records(ids).map(([runId]) => runId))).toEqual(new Set([first.runId]));
  }, 60_000);
});
