import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { check, fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { runJob, type RunResult } from './run-job.js';

const SOLO = (id: string, ms: number, optional = '') => `  - id: ${id}
    name: sleep_solo
    configs:
      required:
        ms: ${ms}${optional ? `\n      optional:\n${optional}` : ''}`;
const EMIT = (id: string, rows: string | number) => `  - id: ${id}
    name: emit_rows
    configs:
      required:
        rows: ${typeof rows === 'string' ? JSON.stringify(rows) : rows}`;

async function run(yaml: string): Promise<RunResult> {
  const { jobDir } = buildFlow(writeFlow(yaml), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
  return runJob(jobDir, { searchDirs: [fixtureProject()] });
}
const logs = (r: RunResult) => r.events.flatMap((e) => (e.type === 'log' ? [`${e.nodeId}: ${e.msg}`] : []));

describe('ITERATE edges', () => {
  it('runs the scope once per list item with iter.item / iter.index and per-iteration node ids', async () => {
    const r = await run(flowYaml({
      modules: [EMIT('list', 3), SOLO('each', 1, '        note: "item {{iter.item.label}} at {{iter.index}}"'), SOLO('after', 1, '        note: "last slept {{each__slept}}, last label {{inner__row_count}}"'), EMIT('inner', '{{iter.index}}')].join('\n'),
      control: ['list (iterate|) each', 'each (1|) inner', 'list (2|) after'],
    }));
    expect(r.status).toBe('success');
    // After the loop a global reads as its last iteration's value (inner#2 made 2 rows).
    expect(logs(r)).toEqual(['each#0: item x0 at 0', 'each#1: item x1 at 1', 'each#2: item x2 at 2', 'after#0: last slept 1, last label 2']);
    expect(r.globals).toMatchObject({ 'each#0.slept': 1, 'each#1.slept': 1, 'each#2.slept': 1 });
    expect(r.events.filter((e) => e.type === 'iteration.finished')).toHaveLength(3);
  });

  it('keeps globals and data per iteration inside a data sub flow', async () => {
    const r = await run(flowYaml({
      modules: [EMIT('list', 3), EMIT('inner', '{{iter.item.id}}'), '  - id: pass\n    name: pass_rows', '  - id: out\n    name: count_sink'].join('\n'),
      data: ['inner.data - pass.input', 'pass.output - out.input'],
      control: ['list (iterate|) inner'],
    }));
    expect(r.status).toBe('success');
    expect(r.globals).toMatchObject({ 'out#0.seen': 0, 'out#1.seen': 1, 'out#2.seen': 2, 'inner#2.row_count': 2 });
  });

  it('follows conditions on globals per iteration', async () => {
    const r = await run(flowYaml({
      modules: [EMIT('list', 4), EMIT('inner', '{{iter.item.id}}'), SOLO('big', 1, '        note: "big {{iter.index}}"')].join('\n'),
      control: ['list (iterate|) inner', 'inner (1|{{inner__row_count}} >= 2) big'],
    }));
    expect(logs(r)).toEqual(['big#2: big 2', 'big#3: big 3']);
  });

  it('stops iterating on failure under halt, and goes on under continue', async () => {
    const body = (strategy: string) => flowYaml({
      settings: `  fail_strategy: ${strategy}`,
      modules: [EMIT('list', 3), SOLO('each', 1, '        fail_times: 0\n        note: "ok {{iter.index}}"'), SOLO('bad', 1, '        fail: true')].join('\n'),
      control: ['list (iterate|) each', 'each (1|{{iter.index}} == 1) bad'],
    });
    const halt = await run(body('halt'));
    expect(halt.status).toBe('failed');
    expect(logs(halt)).toEqual(['each#0: ok 0', 'each#1: ok 1']);
    const cont = await run(body('continue'));
    expect(cont.status).toBe('failed');
    expect(logs(cont)).toEqual(['each#0: ok 0', 'each#1: ok 1', 'each#2: ok 2']);
    expect(cont.errors[0].message).toMatch(/bad \(sleep_solo\) failed: bad#1 failed on purpose/);
  });
});

describe('START edges', () => {
  it('does not block the flow, and the run still waits for the started scope', async () => {
    const r = await run(flowYaml({
      modules: [SOLO('a', 1), SOLO('side', 400), SOLO('main', 1)].join('\n'),
      control: ['a (start|) side', 'a (2|) main'],
    }));
    expect(r.status).toBe('success');
    const t = (type: string, id: string) => r.events.find((e) => e.type === type && (e as any).moduleId === id)!.time;
    expect(t('module.finished', 'main')).toBeLessThan(t('module.finished', 'side'));
    const finished = r.events.find((e) => e.type === 'run.finished')!.time;
    expect(finished).toBeGreaterThanOrEqual(t('module.finished', 'side'));
  });

  it('reports the failure of a started scope', async () => {
    const r = await run(flowYaml({ modules: [SOLO('a', 1), SOLO('side', 50, '        fail: true'), SOLO('main', 1)].join('\n'), control: ['a (start|) side', 'a (2|) main'] }));
    expect(r.status).toBe('failed');
    expect(r.errors[0].message).toMatch(/side \(sleep_solo\) failed/);
  });
});

describe('validation of ITERATE and START', () => {
  it('refuses ITERATE from a module that produces no list', () => {
    const r = check(flowYaml({ modules: [SOLO('a', 1), SOLO('b', 1)].join('\n'), control: ['a (iterate|) b'] }));
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/ITERATE connection "a \(iterate\|\) b" leaves a \(sleep_solo\), a solo that produces no list/)]);
  });

  it('refuses ITERATE or START inside one sub flow, and into a sink', () => {
    const r = check(flowYaml({
      modules: [EMIT('src', 1), '  - id: out\n    name: count_sink', SOLO('job', 1)].join('\n'),
      data: ['src.data - out.input'],
      control: ['src (iterate|) out', 'job (start|) out'],
    }));
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/ITERATE connection .* joins two modules of one sub flow/),
      expect.stringMatching(/goes into out \(count_sink\); sinks take no incoming control/),
    ]);
  });

  it('accepts an order after the kind', () => {
    const r = check(flowYaml({ modules: [EMIT('src', 1), SOLO('a', 1), SOLO('b', 1)].join('\n'), control: ['src (iterate 2|) a', 'src (start Last|) b'] }));
    expect(r.errors).toEqual([]);
  });
});
