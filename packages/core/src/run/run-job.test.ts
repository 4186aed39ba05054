import { columnsOf, parseExpression } from '@pypeline/expr';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { runJob, type RunResult } from './run-job.js';

const SOLO = (id: string, ms: number, extra = '') => `  - id: ${id}
    name: sleep_solo
    configs:
      required:
        ms: ${ms}${extra ? `\n      optional:\n${extra}` : ''}`;

async function run(yaml: string, options: Parameters<typeof runJob>[1] = {}): Promise<RunResult> {
  const file = writeFlow(yaml);
  const { jobDir } = buildFlow(file, { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
  return runJob(jobDir, { searchDirs: [fixtureProject()], ...options });
}

const started = (r: RunResult) => r.events.filter((e) => e.type === 'module.started').map((e) => (e as any).moduleId);
const status = (r: RunResult, id: string) => r.modules.find((m) => m.nodeId === `${id}#0`)?.status;
const span = (r: RunResult, id: string) => {
  const s = r.events.find((e) => e.type === 'module.started' && e.moduleId === id)!.time;
  const f = r.events.find((e) => (e.type === 'module.finished' || e.type === 'module.failed') && e.moduleId === id)!.time;
  return [s, f];
};

describe('scheduler', () => {
  it('runs a data sub flow in waves and passes artifacts', async () => {
    const r = await run(flowYaml({
      modules: `  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: 5\n  - id: pass\n    name: pass_rows\n  - id: out\n    name: count_sink`,
      data: ['src.data - pass.input', 'pass.output - out.input'],
    }));
    expect(r.status).toBe('success');
    expect(started(r)).toEqual(['src', 'pass', 'out']);
    expect(r.globals['out#0.seen']).toBe(5);
    expect(r.modules.find((m) => m.nodeId === 'pass#0')).toMatchObject({ rowsIn: 5, rowsOut: 5 });
  });

  it('follows valve orders ascending, depth first', async () => {
    const r = await run(flowYaml({
      modules: [SOLO('start', 1), SOLO('third', 1), SOLO('first', 1), SOLO('first_child', 1), SOLO('second', 1)].join('\n'),
      control: ['start (3|) third', 'start (1|) first', 'first (1|) first_child', 'start (2|) second'],
    }));
    expect(r.status).toBe('success');
    expect(started(r)).toEqual(['start', 'first', 'first_child', 'second', 'third']);
  });

  it('replaces Last with max(order)+1', async () => {
    const r = await run(flowYaml({ modules: [SOLO('a', 1), SOLO('z', 1), SOLO('b', 1)].join('\n'), control: ['a (Last|) z', 'a (5|) b'] }));
    expect(started(r)).toEqual(['a', 'b', 'z']);
  });

  it('runs edges of equal order in parallel (two slow modules overlap)', async () => {
    const r = await run(flowYaml({ modules: [SOLO('a', 1), SOLO('slow1', 300), SOLO('slow2', 300)].join('\n'), control: ['a (1|) slow1', 'a (1|) slow2'] }));
    expect(r.status).toBe('success');
    const [s1, f1] = span(r, 'slow1');
    const [s2, f2] = span(r, 'slow2');
    expect(s2).toBeLessThan(f1);
    expect(s1).toBeLessThan(f2);
  });

  it('skips a branch whose condition is false and runs the true one', async () => {
    const r = await run(flowYaml({
      context: '  default:\n    env: dev',
      modules: [SOLO('a', 1), SOLO('yes', 1), SOLO('no', 1)].join('\n'),
      control: ["a (1|{{a__slept}} == 1 and {{context.env}} == 'dev') yes", 'a (1|{{a__slept}} > 1) no'],
    }));
    expect(r.status).toBe('success');
    expect(status(r, 'yes')).toBe('success');
    expect(status(r, 'no')).toBe('skipped');
    expect(r.events.find((e) => e.type === 'subflow.skipped')).toMatchObject({ reason: expect.stringMatching(/condition .* is false/) });
  });

  it('halt stops at the first failed sub flow', async () => {
    const r = await run(flowYaml({
      settings: '  fail_strategy: halt',
      modules: [SOLO('a', 1), SOLO('bad', 1, '        fail: true'), SOLO('after_bad', 1), SOLO('other', 1), SOLO('root2', 1)].join('\n'),
      control: ['a (1|) bad', 'bad (1|) after_bad', 'a (2|) other'],
    }));
    expect(r.status).toBe('failed');
    expect(started(r)).toEqual(['a', 'bad']);
    expect(status(r, 'other')).toBe('skipped');
    expect(status(r, 'root2')).toBe('skipped');
    expect(r.errors[0].message).toMatch(/bad \(sleep_solo\) failed: bad#0 failed on purpose/);
  });

  it('continue runs everything that does not depend on the failure', async () => {
    const r = await run(flowYaml({
      settings: '  fail_strategy: continue',
      modules: [SOLO('a', 1), SOLO('bad', 1, '        fail: true'), SOLO('after_bad', 1), SOLO('other', 1), SOLO('root2', 1)].join('\n'),
      control: ['a (1|) bad', 'bad (1|) after_bad', 'a (2|) other'],
    }));
    expect(r.status).toBe('failed');
    expect(started(r)).toEqual(['a', 'bad', 'other', 'root2']);
    expect(status(r, 'after_bad')).toBe('skipped');
  });

  it('fires an error path that reads the failed module status', async () => {
    const r = await run(flowYaml({
      settings: '  fail_strategy: halt',
      modules: [SOLO('bad', 1, '        fail: true'), SOLO('on_error', 1)].join('\n'),
      control: ["bad (1|{{bad__status}} == 'failed') on_error"],
    }));
    expect(status(r, 'on_error')).toBe('success');
    expect(r.status).toBe('failed');
  });

  it('templates context values and globals into configs', async () => {
    const r = await run(flowYaml({
      context: '  default:\n    n: 4\n    label: ctx',
      modules: [`  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: "{{context.n}}"\n      optional:\n        label: "{{context.label}}-"`, SOLO('after', 1, '        note: "src made {{src__row_count}} rows"')].join('\n'),
      control: ['src (1|) after'],
      data: [],
    }).replace('  data: []', '  data: []'), { contextOverrides: {} });
    expect(r.status).toBe('success');
    expect(r.globals['src#0.row_count']).toBe(4);
    const log = r.events.find((e) => e.type === 'log' && e.nodeId === 'after#0');
    expect(log).toMatchObject({ msg: 'src made 4 rows' });
  });

  it('uses a named context and overrides', async () => {
    const yaml = flowYaml({
      context: '  default:\n    n: 1\n  prod:\n    n: 7',
      modules: `  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: "{{context.n}}"`,
    });
    expect((await run(yaml, { context: 'prod' })).globals['src#0.row_count']).toBe(7);
    expect((await run(yaml, { contextOverrides: { n: 9 } })).globals['src#0.row_count']).toBe(9);
  });

  it('fails clearly when a templated value has the wrong type at run time', async () => {
    const r = await run(flowYaml({
      context: '  default:\n    n: many',
      modules: `  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: "{{context.n}}"`,
    }));
    expect(r.status).toBe('failed');
    expect(r.errors[0].message).toMatch(/invalid config for src after templating: rows: "rows" must be an integer/);
  });

  it('retries a failing module settings.retries times', async () => {
    const r = await run(flowYaml({ settings: '  retries: 2', modules: SOLO('flaky', 1, '        fail_times: 2') }));
    expect(r.status).toBe('success');
    expect(r.events.filter((e) => e.type === 'module.failed')).toHaveLength(2);
    expect(r.modules[0].attempts).toBe(3);
  });

  it('bounds the run with settings.timeout', async () => {
    const t0 = Date.now();
    const r = await run(flowYaml({ settings: '  timeout: 0.3', modules: [SOLO('slow', 5000), SOLO('next', 1)].join('\n'), control: ['slow (1|) next'] }));
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(r.status).toBe('failed');
    expect(r.errors[0].message).toMatch(/timed out after 0.3 s/);
    expect(status(r, 'next')).toBe('skipped');
  });

  it('writes a JSON log with node_id on every module line', async () => {
    const { readFileSync } = await import('node:fs');
    const r = await run(flowYaml({ modules: SOLO('a', 1, '        note: hello') }));
    const lines = readFileSync(r.logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.find((l) => l.msg === 'hello')).toMatchObject({ node_id: 'a#0', level: 30 });
    expect(lines.at(-1)).toMatchObject({ event: 'run.finished', status: 'success' });
  });
});

describe('per-module retries and timeout', () => {
  it('cancels a slow attempt at modules[].timeout and retries it', async () => {
    const r = await run(flowYaml({
      modules: `  - id: slow\n    name: sleep_solo\n    retries: 1\n    timeout: 0.2\n    configs:\n      required:\n        ms: 2000`,
    }));
    expect(r.status).toBe('failed');
    const failures = r.events.filter((e) => e.type === 'module.failed');
    expect(failures.map((e) => [(e as any).attempt, (e as any).willRetry])).toEqual([[1, true], [2, false]]);
    expect(r.errors[0].message).toMatch(/slow timed out after 0.2 s \(modules\[\]\.timeout\)/);
  });

  it('module retries override settings.retries', async () => {
    const r = await run(flowYaml({
      settings: '  retries: 5',
      modules: `  - id: flaky_once\n    name: sleep_solo\n    retries: 0\n    configs:\n      required:\n        ms: 1\n      optional:\n        fail_times: 1`,
    }));
    expect(r.status).toBe('failed');
    expect(r.events.filter((e) => e.type === 'module.started')).toHaveLength(1);
  });

  it('does not retry an error marked not retryable', async () => {
    const r = await run(flowYaml({ settings: '  retries: 3', modules: SOLO('fatal_one', 1, '        fatal: true') }));
    expect(r.status).toBe('failed');
    expect(r.events.filter((e) => e.type === 'module.started')).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/failed for good/);
  });
});

describe('templates in expression fields', () => {
  it('bind values as literals, so a quote cannot change the expression', async () => {
    const r = await run(flowYaml({
      context: `  default:\n    who: "x' or 1 == 1 or name == '"\n    n: 3`,
      modules: SOLO('a', 1, '        expr: "name == {{context.who}} and age > {{context.n}}"'),
    }));
    expect(r.status).toBe('success');
    const log = r.events.find((e) => e.type === 'log' && e.msg.startsWith('expr: '));
    expect(log).toMatchObject({ msg: "expr: name == 'x\\' or 1 == 1 or name == \\'' and age > 3" });
    const parsed = parseExpression((log as any).msg.slice('expr: '.length));
    expect(parsed.errors).toEqual([]);
    expect(columnsOf(parsed.expr!)).toEqual(['name', 'age']);
  });
});
