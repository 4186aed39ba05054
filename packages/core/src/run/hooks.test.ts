import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { EventBus, typePattern } from './events.js';
import type { Hooks } from './hooks.js';
import { runJob, type RunOptions } from './run-job.js';

const FLOW = flowYaml({
  modules: `  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: 4\n  - id: pass\n    name: pass_rows\n    continue_on_error: true\n    configs:\n      optional:\n        fail: true\n  - id: out\n    name: count_sink\n  - id: job\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1`,
  data: ['src.data - pass.input', 'pass.output - out.input'],
  control: ['src (1|) job'],
});

async function run(options: RunOptions) {
  const { jobDir } = buildFlow(writeFlow(FLOW), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
  return runJob(jobDir, { searchDirs: [fixtureProject()], ...options });
}

describe('hooks, results and continue_on_error', () => {
  it('calls sync and async hooks in order; a failing hook is reported and changes nothing', async () => {
    const calls: string[] = [];
    const flowHooks: Hooks = {
      beforeModule: (i) => void calls.push(`before ${i.nodeId}`),
      afterModule: async (r) => {
        await new Promise((res) => setTimeout(res, 1));
        calls.push(`after ${r.nodeId} ${r.status} ${r.rowsOut}`);
      },
      onError: (r) => void calls.push(`error ${r.nodeId}: ${r.error}`),
      onComplete: (s) => void calls.push(`complete ${s.status}`),
    };
    const broken: Hooks = { beforeModule: () => { throw new Error('plugin bug'); }, onComplete: async () => { throw new Error('late bug'); } };
    const r = await run({ hooks: [flowHooks, broken] });
    expect(r.status).toBe('success');
    expect(calls).toEqual([
      'before src#0', 'after src#0 success 4',
      'before pass#0', 'error pass#0: pass_rows was told to fail', 'after pass#0 failed 0',
      'before job#0', 'after job#0 success 0',
      'complete success',
    ]);
    expect(r.hookErrors).toEqual(['src#0: hook beforeModule failed: plugin bug', 'pass#0: hook beforeModule failed: plugin bug', 'job#0: hook beforeModule failed: plugin bug', 'hook onComplete failed: late bug']);
  });

  it('continue_on_error collects the failure without failing the run; downstream is skipped', async () => {
    const r = await run({});
    expect(r.status).toBe('success');
    expect(r.errors).toEqual([]);
    expect(r.continuedErrors.map((e) => e.message)).toEqual(['pass (pass_rows) failed: pass_rows was told to fail']);
    expect(r.results.pass).toMatchObject({ status: 'failed', rowsIn: 0 });
    expect(r.results.out.status).toBe('skipped');
    expect(r.results.src).toMatchObject({ status: 'success', rowsOut: 4, globals: { row_count: 4, status: 'success', rows_out: 4 } });
    expect(r.results.job.status).toBe('success');
  });

  it('subscribes to events by pattern', async () => {
    const seen: string[] = [];
    const listeners = [(e: any) => (typePattern('module.*')(e.type) ? seen.push(e.type) : undefined)];
    const r = await run({ listeners });
    expect(new Set(seen)).toEqual(new Set(['module.started', 'module.finished', 'module.failed', 'module.skipped']));
    const bus = new EventBus('x');
    const got: string[] = [];
    bus.on('run.finished', (e) => got.push(e.type));
    bus.on('subflow.*', (e) => got.push(e.type));
    bus.emit({ type: 'subflow.skipped', subflow: 's', reason: 'r' });
    bus.emit({ type: 'run.finished', flow: 'f', status: 'success', durationMs: 1 });
    bus.emit({ type: 'log', level: 'info', msg: 'x' });
    expect(got).toEqual(['subflow.skipped', 'run.finished']);
    expect(r.status).toBe('success');
  });
});
