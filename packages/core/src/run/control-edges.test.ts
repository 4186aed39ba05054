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

/** The most modules of `ids` running at one time, from the run's started/finished events. */
function peakConcurrency(r: RunResult, match: (moduleId: string) => boolean): number {
  let now = 0;
  let peak = 0;
  for (const e of r.events as any[]) {
    if (!match(e.moduleId ?? '')) continue;
    if (e.type === 'module.started') peak = Math.max(peak, ++now);
    else if (e.type === 'module.finished' || e.type === 'module.failed') now--;
  }
  return peak;
}

describe('parallel ITERATE', () => {
  it('runs N iterations at once, each in its own frame, and the loop ends when all have', async () => {
    const r = await run(flowYaml({
      modules: [EMIT('list', 7), SOLO('each', 600, '        note: "item {{iter.item.label}} at {{iter.index}}"'), SOLO('after', 1, '        note: "after"')].join('\n'),
      control: ['list (iterate parallel 3|) each', 'list (2|) after'],
    }));
    expect(r.status).toBe('success');
    expect(peakConcurrency(r, (id) => id === 'each')).toBe(3);
    expect([...logs(r)].sort()).toEqual([...Array.from({ length: 7 }, (_, i) => `each#${i}: item x${i} at ${i}`), 'after#0: after'].sort());
    expect(logs(r).at(-1)).toBe('after#0: after');
    expect(r.globals).toMatchObject(Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`each#${i}.slept`, 600])));
    const finished = r.events.filter((e) => e.type === 'iteration.finished') as any[];
    expect(finished.map((e) => e.index).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(finished.every((e) => e.status === 'success')).toBe(true);
  });

  it('without parallel, one at a time', async () => {
    const r = await run(flowYaml({ modules: [EMIT('list', 3), SOLO('each', 50)].join('\n'), control: ['list (iterate|) each'] }));
    expect(peakConcurrency(r, (id) => id === 'each')).toBe(1);
  });

  it('knows each iteration\'s own outcome while others run, and starts no new one after a failure under halt', async () => {
    const body = (strategy: string) => flowYaml({
      settings: `  fail_strategy: ${strategy}`,
      modules: [EMIT('list', 6), SOLO('each', 300, '        note: "ok {{iter.index}}"'), SOLO('bad', 1, '        fail: true')].join('\n'),
      control: ['list (iterate parallel 2|) each', 'each (1|{{iter.index}} == 0) bad'],
    });
    const halt = await run(body('halt'));
    expect(halt.status).toBe('failed');
    const statuses = (r: RunResult) => Object.fromEntries((r.events.filter((e) => e.type === 'iteration.finished') as any[]).map((e) => [e.index, e.status]));
    // Frame 0 failed; the frames running beside it finish; nothing starts after the failure.
    expect(statuses(halt)[0]).toBe('failed');
    expect(Object.keys(statuses(halt)).length).toBeLessThan(6);
    const failedAt = halt.events.findIndex((e) => e.type === 'module.failed' && (e as any).nodeId === 'bad#0');
    expect(halt.events.slice(failedAt).some((e) => e.type === 'iteration.started')).toBe(false);
    const cont = await run(body('continue'));
    expect(statuses(cont)).toEqual({ 0: 'failed', 1: 'success', 2: 'success', 3: 'success', 4: 'success', 5: 'success' });
  });
});

describe('order 0', () => {
  it('launches its target at once beside the ordered connections, and the source\'s scope waits for it', async () => {
    const r = await run(flowYaml({
      modules: [SOLO('a', 1), SOLO('side', 1500), SOLO('main', 1), SOLO('next_root', 1)].join('\n'),
      control: ['a (0|) side', 'a (1|) main'],
    }));
    expect(r.status).toBe('success');
    const t = (type: string, id: string) => r.events.find((e) => e.type === type && (e as any).moduleId === id)!.time;
    // side runs beside main …
    expect(t('module.started', 'side')).toBeLessThanOrEqual(t('module.finished', 'main'));
    expect(t('module.finished', 'main')).toBeLessThan(t('module.finished', 'side'));
    // … and, unlike START, gates what comes after a's scope: the next root starts after side ends.
    expect(t('module.started', 'next_root')).toBeGreaterThanOrEqual(t('module.finished', 'side'));
  });

  it('unlike START, which does not gate the next root', async () => {
    const r = await run(flowYaml({ modules: [SOLO('a', 1), SOLO('side', 1500), SOLO('next_root', 1)].join('\n'), control: ['a (start|) side'] }));
    const t = (type: string, id: string) => r.events.find((e) => e.type === type && (e as any).moduleId === id)!.time;
    expect(t('module.finished', 'next_root')).toBeLessThan(t('module.finished', 'side'));
  });

  it('takes a condition, and a failed order-0 branch fails the run', async () => {
    const r = await run(flowYaml({
      modules: [SOLO('a', 1), SOLO('skipped', 1), SOLO('bad', 50, '        fail: true'), SOLO('main', 1)].join('\n'),
      control: ['a (0|{{a__slept}} > 5) skipped', 'a (0|) bad', 'a (1|) main'],
    }));
    expect(r.status).toBe('failed');
    expect(r.errors[0].message).toMatch(/bad \(sleep_solo\) failed/);
    expect(r.events.some((e) => e.type === 'edge.skipped' && (e as any).to === 'skipped')).toBe(true);
  });
});

describe('sync gates (wait)', () => {
  const GATE = (wait: string) => `  - id: g\n    name: sleep_solo\n    wait: ${wait}\n    configs:\n      required:\n        ms: 1\n      optional:\n        note: "gate"`;
  const branches = (gate: string, cFails = false, extra: string[] = []) => flowYaml({
    settings: '  fail_strategy: continue',
    modules: [SOLO('a', 1), SOLO('b', 600), SOLO('c', 50, cFails ? '        fail: true' : ''), SOLO('d', 1), gate].join('\n'),
    control: ['a (1|) b', 'a (1|) c', 'a (1|{{a__slept}} > 100) d', 'b (1|) g', 'c (1|) g', ...extra],
  });
  const t = (r: RunResult, type: string, id: string) => r.events.find((e) => e.type === type && (e as any).moduleId === id)?.time;

  it('wait: all runs the gated sub flow once, after the last branch', async () => {
    const r = await run(branches(GATE('all')));
    expect(r.status).toBe('success');
    expect(r.events.filter((e) => e.type === 'module.started' && (e as any).moduleId === 'g')).toHaveLength(1);
    expect(t(r, 'module.started', 'g')!).toBeGreaterThanOrEqual(t(r, 'module.finished', 'b')!);
  });

  it('without wait, the first branch to fire runs it (the default, any)', async () => {
    const r = await run(branches('  - id: g\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1'));
    expect(t(r, 'module.finished', 'g')!).toBeLessThan(t(r, 'module.finished', 'b')!);
  });

  it('wait: all is skipped, with the branch that cannot fire named, when one fails; a branch status reads in a condition', async () => {
    const r = await run(branches(GATE('all'), true, ["c (2|{{c__status}} == 'failed') d"]));
    expect(t(r, 'module.started', 'g')).toBeUndefined();
    const skipped = r.events.find((e) => e.type === 'subflow.skipped' && (e as any).reason?.startsWith('wait: all')) as any;
    expect(skipped.reason).toMatch(/only 1 of 2 connections can fire, 2 needed; cannot fire: c \(/);
    expect(t(r, 'module.started', 'd')).toBeDefined();
  });

  it('wait: N runs when N have fired, though another cannot', async () => {
    const r = await run(flowYaml({
      settings: '  fail_strategy: continue',
      modules: [SOLO('a', 1), SOLO('b', 400), SOLO('c', 50, '        fail: true'), SOLO('e', 100), GATE('2')].join('\n'),
      control: ['a (1|) b', 'a (1|) c', 'a (1|) e', 'b (1|) g', 'c (1|) g', 'e (1|) g'],
    }));
    expect(t(r, 'module.started', 'g')!).toBeGreaterThanOrEqual(t(r, 'module.finished', 'b')!);
    expect(r.events.filter((e) => e.type === 'module.started' && (e as any).moduleId === 'g')).toHaveLength(1);
  });

  it('refuses a gate with fewer than two connections, a count above them, and ITERATE into it', () => {
    const one = check(flowYaml({ modules: [SOLO('a', 1), GATE('all')].join('\n'), control: ['a (1|) g'] }));
    expect(one.errors.map((e) => e.message)).toEqual([expect.stringMatching(/g: wait: all gates the control connections leading into it, and only one does/)]);
    const many = check(flowYaml({ modules: [SOLO('a', 1), SOLO('b', 1), GATE('3')].join('\n'), control: ['a (1|) g', 'b (1|) g'] }));
    expect(many.errors.map((e) => e.message)).toEqual([expect.stringMatching(/g: wait: 3, but only 2 control connections lead into it/)]);
    const loop = check(flowYaml({ modules: [EMIT('list', 2), SOLO('b', 1), GATE('all')].join('\n'), control: ['list (iterate|) g', 'b (1|) g'] }));
    expect(loop.errors.map((e) => e.message)).toEqual([expect.stringMatching(/wait cannot gate the ITERATE connection/)]);
    const bad = check(flowYaml({ modules: [SOLO('a', 1), SOLO('b', 1), GATE('most')].join('\n'), control: ['a (1|) g', 'b (1|) g'] }));
    expect(bad.errors.map((e) => e.message).join('\n')).toMatch(/wait/);
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
