import { describe, expect, it } from 'vitest';
import { EventBus } from './events.js';
import { PROGRESS_INTERVAL_MS, reportProgress, resetProgress } from './progress.js';

describe('module.progress', () => {
  it('adds rows up and keeps the last read position, one event per node per interval at most', () => {
    const bus = new EventBus('r');
    const t = 1_000_000;
    reportProgress(bus, 'load#0', 'load', { rows: 10 }, t);
    reportProgress(bus, 'load#0', 'load', { rows: 10, bytes: 50, totalBytes: 100 }, t + 1);
    reportProgress(bus, 'keep#0', 'keep', { rows: 7 }, t + 2);
    reportProgress(bus, 'load#0', 'load', { rows: 5 }, t + PROGRESS_INTERVAL_MS);
    const seen = bus.history.map((e) => (e.type === 'module.progress' ? [e.nodeId, e.rows, e.bytes, e.totalBytes] : e.type));
    expect(seen).toEqual([['load#0', 10, undefined, undefined], ['keep#0', 7, undefined, undefined], ['load#0', 25, 50, 100]]);
  });

  it('reports a node\'s first rows at once, with the bytes read so far, even inside the interval of a bytes-only report', () => {
    const bus = new EventBus('r');
    const t = 1_000_000;
    reportProgress(bus, 'read#0', 'read', { bytes: 65536, totalBytes: 3_000_000 }, t);
    reportProgress(bus, 'read#0', 'read', { rows: 3335, bytes: 131072 }, t + 10);
    reportProgress(bus, 'read#0', 'read', { rows: 3335 }, t + 20);
    const seen = bus.history.map((e) => (e.type === 'module.progress' ? [e.rows, e.bytes] : e.type));
    expect(seen).toEqual([[0, 65536], [3335, 131072]]);
  });

  it('counts a retried attempt from zero', () => {
    const bus = new EventBus('r');
    reportProgress(bus, 'load#0', 'load', { rows: 10 }, 1_000_000);
    resetProgress(bus, 'load#0');
    reportProgress(bus, 'load#0', 'load', { rows: 3 }, 1_000_001);
    expect(bus.history.map((e) => (e.type === 'module.progress' ? e.rows : -1))).toEqual([10, 3]);
  });
});
