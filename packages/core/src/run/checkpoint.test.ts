import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { runJob } from './run-job.js';

const CORE_DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Five sub flows in a chain, the last one a loop over three items; every sink logs its node id. */
function chainFlow(dir: string): string {
  const out = join(dir, 'out');
  mkdirSync(out, { recursive: true });
  const runs = join(dir, 'runs.log');
  const pair = (i: number) => `  - id: e${i}\n    name: emit_rows\n    configs:\n      required:\n        rows: ${i * 10}\n      optional:\n        label: s${i}_\n  - id: w${i}\n    name: write_sink\n    configs:\n      required:\n        path: ${out}/s${i}.json\n        runs_log: ${runs}\n      optional:\n        delay_ms: 150`;
  return flowYaml({
    modules: [1, 2, 3, 4].map(pair).join('\n') +
      `\n  - id: list\n    name: emit_rows\n    configs:\n      required:\n        rows: 3` +
      `\n  - id: ei\n    name: emit_rows\n    configs:\n      required:\n        rows: "{{iter.item.id}}"` +
      `\n  - id: wi\n    name: write_sink\n    configs:\n      required:\n        path: "${out}/it{{iter.index}}.json"\n        runs_log: ${runs}\n      optional:\n        delay_ms: 150`,
    data: ['e1.data - w1.input', 'e2.data - w2.input', 'e3.data - w3.input', 'e4.data - w4.input', 'ei.data - wi.input'],
    control: ['w1 (1|) e2', 'w2 (1|) e3', 'w3 (1|) e4', 'w4 (1|) list', 'list (iterate|) ei'],
  });
}

function buildChain(): { dir: string; job: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pype-ckpt-'));
  const { jobDir } = buildFlow(writeFlow(chainFlow(dir)), { searchDirs: [fixtureProject()], outDir: join(dir, 'jobs') });
  return { dir, job: jobDir };
}

function outputs(dir: string): Record<string, string> {
  const out = join(dir, 'out');
  return Object.fromEntries(readdirSync(out).sort().map((f) => [f, readFileSync(join(out, f), 'utf8')]));
}

function completedCount(job: string): number {
  try {
    return JSON.parse(readFileSync(join(job, 'checkpoint', 'state.json'), 'utf8')).completed.length;
  } catch {
    return 0; // not written yet
  }
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

function startChild(job: string, dir: string) {
  const runner = join(dir, 'runner.mjs');
  writeFileSync(runner, `import { runJob } from ${JSON.stringify(CORE_DIST)};
const r = await runJob(${JSON.stringify(job)}, { searchDirs: [${JSON.stringify(fixtureProject())}] });
process.exit(r.status === 'success' ? 0 : 1);\n`);
  return spawn(process.execPath, [runner], { stdio: 'ignore' });
}

describe('checkpoint and resume', () => {
  it('resumes after SIGKILL at several points with output identical to an uninterrupted run', async () => {
    const baseline = buildChain();
    const ok = await runJob(baseline.job, { searchDirs: [fixtureProject()] });
    expect(ok.status).toBe('success');
    expect(existsSync(join(baseline.job, 'checkpoint'))).toBe(false);
    const expected = outputs(baseline.dir);
    expect(Object.keys(expected)).toEqual(['it0.json', 'it1.json', 'it2.json', 's1.json', 's2.json', 's3.json', 's4.json']);

    // Kill points: once the checkpoint holds 1, 2, 4 and 5 completed sub flows (5 = inside the
    // loop); the next sub flow is then running, so each kill lands in the middle of one.
    for (const killAfter of [1, 2, 4, 5]) {
      const { dir, job } = buildChain();
      const runsLog = join(dir, 'runs.log');
      const child = startChild(job, dir);
      await until(() => completedCount(job) >= killAfter, `the child run to checkpoint ${killAfter} sub flows`, 60_000);
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      const before = lines(runsLog);

      const stateFile = join(job, 'checkpoint', 'state.json');
      const completed: string[] = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')).completed : [];
      const meta = JSON.parse(readFileSync(join(job, 'test_flow_execution_metadata.json'), 'utf8'));
      const doneNodes = completed.flatMap((key) => {
        const [sf, frame] = key.split('#');
        return meta.subflows.find((s: any) => s.id === sf).modules.map((m: string) => `${m}#${frame}`);
      });
      expect(completed.length, `kill after ${killAfter}`).toBeGreaterThan(0);

      // The killed run left its lock behind: the resumed run takes it over as stale.
      expect(existsSync(join(job, '.pype.lock'))).toBe(true);
      const resumed = await runJob(job, { searchDirs: [fixtureProject()], resume: true });
      expect(resumed.status, resumed.errors.map((e) => e.message).join('\n')).toBe('success');
      expect(resumed.events.some((e) => e.type === 'log' && /stale lock/.test(e.msg))).toBe(true);
      expect(outputs(dir)).toEqual(expected);

      const rerun = lines(runsLog).slice(before.length);
      for (const node of doneNodes.filter((n) => n.startsWith('w'))) expect(rerun, `kill after ${killAfter}`).not.toContain(node);
      expect(new Set([...before, ...rerun])).toEqual(new Set(['w1#0', 'w2#0', 'w3#0', 'w4#0', 'wi#0', 'wi#1', 'wi#2']));
      expect(existsSync(join(job, 'checkpoint'))).toBe(false);
    }
  }, 300_000);

  it('a fresh run ignores an old checkpoint; --resume without one starts the run from the beginning', async () => {
    const { dir, job } = buildChain();
    const started = await runJob(job, { searchDirs: [fixtureProject()], resume: true });
    expect(started.status).toBe('success');
    expect(started.events.some((e) => e.type === 'log' && /nothing to resume: .* has no checkpoint .*so this run starts from the beginning/.test(e.msg))).toBe(true);
    expect(lines(join(dir, 'runs.log'))).toHaveLength(7);
    const controller = new AbortController();
    const first = runJob(job, { searchDirs: [fixtureProject()], signal: controller.signal });
    await until(() => lines(join(dir, 'runs.log')).length >= 9, 'the second run to write its first two sinks');
    controller.abort(new Error('stop'));
    expect((await first).resumable).toBe(true);
    const fresh = await runJob(job, { searchDirs: [fixtureProject()] });
    expect(fresh.status).toBe('success');
    expect(fresh.modules.some((m) => m.status === 'restored')).toBe(false);
    expect(fresh.events.some((e) => e.type === 'log' && /checkpoint of an earlier interrupted run was replaced/.test(e.msg))).toBe(true);
  }, 60_000);

  it('refuses a second run of the same job while one is active', async () => {
    // A job that holds its lock for a minute: the chain's second (~1 s) could end, and free the
    // lock, before the in-process run asked for it on a busy machine.
    const dir = mkdtempSync(join(tmpdir(), 'pype-lock-'));
    const { jobDir: job } = buildFlow(writeFlow(flowYaml({ modules: '  - id: nap\n    name: sleep_solo\n    configs:\n      required:\n        ms: 60000' })), { searchDirs: [fixtureProject()], outDir: join(dir, 'jobs') });
    const child = startChild(job, dir);
    await until(() => existsSync(join(job, '.pype.lock')), 'the first run to take the job lock', 45_000);
    await expect(runJob(job, { searchDirs: [fixtureProject()] })).rejects.toThrow(/is already running/);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
  }, 60_000);

  it('stops cleanly on an abort signal, keeping the checkpoint for --resume', async () => {
    const { dir, job } = buildChain();
    const controller = new AbortController();
    const runsLog = join(dir, 'runs.log');
    const first = runJob(job, { searchDirs: [fixtureProject()], signal: controller.signal });
    await until(() => lines(runsLog).length >= 2, 'the run to write its first two sinks');
    controller.abort(new Error('interrupted by SIGTERM'));
    const r = await first;
    expect(r).toMatchObject({ status: 'failed', interrupted: true, resumable: true });
    expect(r.errors[0].message).toBe('interrupted by SIGTERM');
    const resumed = await runJob(job, { searchDirs: [fixtureProject()], resume: true });
    expect(resumed.status).toBe('success');
    expect(resumed.modules.filter((m) => m.status === 'restored').length).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
