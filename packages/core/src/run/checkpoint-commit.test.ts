import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpoint } from './checkpoint.js';
import { GlobalStore } from './globals.js';

const stateOf = (jobDir: string) => JSON.parse(readFileSync(join(jobDir, 'checkpoint', 'state.json'), 'utf8'));

describe('checkpoint writes', () => {
  it('records sub flows that finish together in one write, with the run state of when it starts', async () => {
    const jobDir = mkdtempSync(join(tmpdir(), 'pype-cp-'));
    const cp = Checkpoint.fresh(jobDir, 'r1', 'f', 'default');
    cp.save();
    let snapshots = 0;
    const snapshot = (n: number) => () => {
      snapshots++;
      return { globals: { values: { [`m${n}#0.x`]: n }, latest: {} }, nodeStatus: { [`m${n}#0`]: 'success' as const } };
    };
    await Promise.all([cp.complete('a#0', snapshot(1)), cp.complete('b#0', snapshot(2)), cp.complete('c#0', snapshot(3))]);
    expect(snapshots).toBe(1);
    const state = stateOf(jobDir);
    expect(state.completed).toEqual(['a#0', 'b#0', 'c#0']);
    expect(state.nodeStatus).toEqual({ 'm3#0': 'success' });
    // Each caller's promise settles once its sub flow is on disk.
    const first = cp.complete('d#0', snapshot(4));
    const second = cp.complete('e#0', snapshot(5));
    await first;
    expect(stateOf(jobDir).completed).toContain('d#0');
    await second;
    expect(stateOf(jobDir).completed).toEqual(['a#0', 'b#0', 'c#0', 'd#0', 'e#0']);
  });

  it('clears after the write under way, leaving no state behind', async () => {
    const jobDir = mkdtempSync(join(tmpdir(), 'pype-cp-'));
    const cp = Checkpoint.fresh(jobDir, 'r1', 'f', 'default');
    cp.save();
    const pending = cp.complete('a#0', () => ({ globals: { values: {}, latest: {} }, nodeStatus: {} }));
    await cp.clear();
    await pending;
    expect(existsSync(join(jobDir, 'checkpoint'))).toBe(false);
  });
});

describe('GlobalStore.dumpSet', () => {
  it('holds what was set, not what was restored', () => {
    const g = new GlobalStore();
    g.restore({ values: { 'a#0.x': 1 }, latest: { 'a.x': 1 } });
    g.set('B#0', 'Y', 2);
    expect(g.dumpSet()).toEqual({ values: { 'b#0.y': 2 }, latest: { 'b.y': 2 } });
    expect(g.dump().values).toEqual({ 'a#0.x': 1, 'b#0.y': 2 });
  });
});
