import { describe, expect, it } from 'vitest';
import type { PypeEvent } from './events.js';
import { applyEvent, emptyRun, moduleOf } from './run-state.js';

const at = (time: number, e: Record<string, unknown>) => ({ runId: 'r', time, ...e }) as PypeEvent;

describe('the run state the console draws', () => {
  it('follows a module through a retry to success, each attempt its own timeline bar, rows/s from progress', () => {
    const events = [
      at(0, { type: 'run.started', flow: 'f', subflows: 1, modules: 1 }),
      at(0, { type: 'subflow.started', subflow: 'subflow_1', modules: ['load'] }),
      at(10, { type: 'module.started', nodeId: 'load#0', moduleId: 'load', name: 'csv_source', subflow: 'subflow_1', attempt: 1 }),
      at(20, { type: 'module.failed', nodeId: 'load#0', moduleId: 'load', durationMs: 10, error: 'boom', attempt: 1, willRetry: true }),
      at(30, { type: 'module.started', nodeId: 'load#0', moduleId: 'load', name: 'csv_source', subflow: 'subflow_1', attempt: 2 }),
      at(1030, { type: 'module.progress', nodeId: 'load#0', moduleId: 'load', rows: 1000, bytes: 10, totalBytes: 40 }),
      at(2030, { type: 'module.progress', nodeId: 'load#0', moduleId: 'load', rows: 3000, bytes: 30, totalBytes: 40 }),
    ];
    let run = events.reduce(applyEvent, emptyRun());
    expect(run.nodes.get('load')).toMatchObject({ state: 'running', rows: 3000, rate: 2000, bytes: 30, totalBytes: 40, attempts: 2 });
    run = applyEvent(run, at(3030, { type: 'module.finished', nodeId: 'load#0', moduleId: 'load', durationMs: 3000, rowsIn: 0, rowsOut: 4000, attempts: 2 }));
    run = applyEvent(run, at(3040, { type: 'run.finished', status: 'success', durationMs: 3040 }));
    expect(run.status).toBe('success');
    expect(run.nodes.get('load')).toMatchObject({ state: 'success', rowsOut: 4000, rows: 4000 });
    expect(run.segments.map((s) => [s.attempt, s.start, s.end, s.outcome])).toEqual([[1, 10, 20, 'retried'], [2, 30, 3030, 'success']]);
  });

  it('adds the iterations of one module up on its node, and keeps logs with their node', () => {
    let run = emptyRun();
    for (const i of [1, 2]) {
      run = applyEvent(run, at(i, { type: 'module.started', nodeId: `m#0.${i}`, moduleId: 'm', name: 'x', subflow: 's', attempt: 1 }));
      run = applyEvent(run, at(i + 1, { type: 'module.finished', nodeId: `m#0.${i}`, moduleId: 'm', durationMs: 1, rowsIn: 5, rowsOut: 4, attempts: 1 }));
    }
    run = applyEvent(run, at(9, { type: 'log', level: 'warn', nodeId: 'm#0.2', msg: 'careful' }));
    expect(run.nodes.get('m')).toMatchObject({ rowsIn: 10, rowsOut: 8 });
    expect(run.segments).toHaveLength(2);
    expect(run.logs.map((l) => [moduleOf(l.nodeId!), l.msg])).toEqual([['m', 'careful']]);
  });
});
