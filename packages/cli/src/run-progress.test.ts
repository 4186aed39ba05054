import { describe, expect, it } from 'vitest';
import type { PypeEvent } from '@pypeline/core';
import { formatCount, plainReporter, ProgressBoard } from './run-progress.js';

const at = (time: number, e: Record<string, unknown>) => ({ runId: 'r', time, ...e }) as PypeEvent;
const started = (time: number, nodeId: string) => at(time, { type: 'module.started', nodeId, moduleId: nodeId.split('#')[0], name: 'x', subflow: 's', attempt: 1 });
const progress = (time: number, nodeId: string, rows: number, bytes?: number) =>
  at(time, { type: 'module.progress', nodeId, moduleId: nodeId.split('#')[0], rows, ...(bytes === undefined ? {} : { bytes, totalBytes: 1000 }) });

describe('progress on the terminal', () => {
  it('shows each running module with rows, rows/s, bytes of the total and an ETA, and drops it when it ends', () => {
    const board = new ProgressBoard();
    board.onEvent(started(0, 'load#0'));
    board.onEvent(started(0, 'keep#0'));
    board.onEvent(progress(1000, 'load#0', 10_000, 250));
    board.onEvent(progress(2000, 'load#0', 30_000, 500));
    const [load, keep] = board.lines(2000);
    expect(load).toMatch(/load#0\s+2\.00 s {2}30,000 rows {2}\d[\d,]* rows\/s {2}500 B of 1000 B \(50%\) {2}ETA 2\.00 s$/);
    expect(keep).toMatch(/keep#0\s+2\.00 s$/);
    board.onEvent(at(2100, { type: 'module.finished', nodeId: 'load#0', moduleId: 'load', durationMs: 2100, rowsIn: 0, rowsOut: 40_000, attempts: 1 }));
    expect(board.lines(2100)).toHaveLength(1);
  });

  it('without a terminal, writes a plain progress line per running module at most every interval', () => {
    const lines: string[] = [];
    const report = plainReporter((l) => lines.push(l), false, 10_000);
    report(started(0, 'load#0'));
    report(progress(5_000, 'load#0', 1_000, 100));
    report(progress(10_000, 'load#0', 2_000, 200));
    report(progress(15_000, 'load#0', 3_000, 300));
    report(progress(20_500, 'load#0', 4_000, 400));
    const progressLines = lines.filter((l) => l.includes('…'));
    expect(progressLines).toHaveLength(2);
    expect(progressLines[0]).toMatch(/load#0\s+10\.00 s {2}2,000 rows .* 200 B of 1000 B \(20%\)/);
    expect(progressLines[1]).toMatch(/4,000 rows/);
  });

  it('counts rows in words a person reads at a glance', () => {
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1_234_567)).toBe('1.23 M');
    expect(formatCount(15_000_000)).toBe('15.0 M');
  });
});
