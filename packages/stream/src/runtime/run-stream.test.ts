import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';
import { count, sum } from '../aggregates.js';
import { streamApp } from '../app.js';
import { rowsToBatch, schemaFromSpec, type Row } from '../arrow-rows.js';
import type { SourceContext, StreamSink, StreamSource } from '../connector.js';
import { collectSink, memorySource } from '../connectors/memory.js';
import { LmdbStateStore } from '../state/lmdb-store.js';
import { tumbling } from '../windows.js';
import { runStream, type MetricsFile } from './run-stream.js';

const stateDir = () => mkdtempSync(join(tmpdir(), 'pype-stream-'));
const rows = (n: number, from = 0): Row[] => Array.from({ length: n }, (_, i) => ({ k: `k${(from + i) % 3}`, v: 1, ts: (from + i) * 100 }));

function countsApp(data: Row[], sink: StreamSink, name = 'counts') {
  const app = streamApp(name);
  app.source('in', memorySource(data, { batchSize: 10 }), { eventTime: 'ts' })
    .keyBy('k').window(tumbling('1s')).aggregate({ n: count(), total: sum('v') }, { name: 'win' })
    .to(sink, { name: 'out' });
  return app;
}

/** An unbounded source: one batch of `size` rows whenever asked, numbered; position = batches read. */
function counterSource(size: number, produced: { n: number }): StreamSource {
  const schema = schemaFromSpec({ k: 'string', v: 'float64', ts: 'timestamp' });
  let ctx: SourceContext;
  return {
    kind: 'counter',
    open(c) { ctx = c; },
    async *batches() {
      let i = typeof ctx.position === 'number' ? ctx.position : 0;
      while (!ctx.signal.aborted) {
        produced.n++;
        yield { batch: rowsToBatch(rows(size, i * size), schema), position: ++i };
        await new Promise((r) => setImmediate(r));
      }
    },
    close() {},
  };
}

describe('runStream', () => {
  it('runs a bounded app to the end, checkpoints, and a rerun over the same state emits nothing twice', async () => {
    const dir = stateDir();
    const first = collectSink();
    const r1 = await runStream(countsApp(rows(95), first), { stateDir: dir });
    expect(r1.reason).toBe('ended');
    expect(first.rows.reduce((a, r) => a + (r.n as number), 0)).toBe(95);
    expect(first.rows).toHaveLength(10 * 3); // 10 windows × 3 keys
    const second = collectSink();
    const r2 = await runStream(countsApp(rows(95), second), { stateDir: dir });
    expect(r2.restoredFrom).toBe(r1.lastCheckpoint);
    expect(second.rows).toEqual([]);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as MetricsFile;
    expect(metrics.status).toBe('stopped');
    expect(metrics.nodes.map((n) => n.id)).toEqual(['in', 'win', 'out']);
  });

  it('stops on its signal with a final checkpoint, and resumes where it stopped', async () => {
    const dir = stateDir();
    const out = collectSink();
    const produced = { n: 0 };
    const build = () => {
      const app = streamApp('resume');
      app.source('in', counterSource(10, produced), { eventTime: 'ts' })
        .keyBy('k').window(tumbling('1s')).aggregate({ n: count() }, { name: 'win' })
        .to(out, { name: 'out' });
      return app;
    };
    const stop = new AbortController();
    const run = runStream(build(), { stateDir: dir, signal: stop.signal, checkpointInterval: 20 });
    await until(() => out.rows.length >= 30, () => `30 windows from the first run (got ${out.rows.length})`);
    stop.abort();
    const r1 = await run;
    expect(r1.reason).toBe('stopped');
    const stop2 = new AbortController();
    const run2 = runStream(build(), { stateDir: dir, signal: stop2.signal, checkpointInterval: 20 });
    const seen = out.rows.length;
    await until(() => out.rows.length >= seen + 30, () => `30 more windows from the resumed run (got ${out.rows.length - seen})`);
    stop2.abort();
    await run2;
    // Every window (per key) was emitted exactly once, with 10 events each (1 s of 100 ms events... per key ≈ 10/3)
    const keys = out.rows.map((r) => `${r.k}@${r.window_start}`);
    expect(new Set(keys).size).toBe(keys.length);
    const byWindow = new Map<number, number>();
    for (const r of out.rows) byWindow.set(r.window_start as number, (byWindow.get(r.window_start as number) ?? 0) + (r.n as number));
    for (const [, n] of byWindow) expect(n).toBe(10);
  });

  it('applies backpressure: a slow sink keeps the source at most one batch ahead', async () => {
    const produced = { n: 0 };
    let written = 0;
    let maxAhead = 0;
    const slow: StreamSink = {
      kind: 'slow',
      open() {},
      async write() {
        maxAhead = Math.max(maxAhead, produced.n - written);
        await new Promise((r) => setTimeout(r, 2));
        written++;
      },
      flush() {},
      close() {},
    };
    const app = streamApp('slow');
    app.source('in', counterSource(100, produced)).filter('v > 0').to(slow, { name: 'out' });
    const stop = new AbortController();
    const run = runStream(app, { stateDir: stateDir(), signal: stop.signal });
    await until(() => written >= 50, () => `50 batches through the slow sink (got ${written})`);
    stop.abort();
    await run;
    expect(maxAhead).toBeLessThanOrEqual(1);
    expect(produced.n - written).toBeLessThanOrEqual(1);
  });

  it('finishes or discards a checkpoint a crash interrupted, asking the exactly-once sinks', async () => {
    for (const committed of [true, false]) {
      const dir = stateDir();
      const out = collectSink();
      await runStream(countsApp(rows(20), out, 'staged'), { stateDir: dir }); // checkpoint 1 (positions: 2 batches)
      // A later checkpoint that was staged when the process died:
      const store = new LmdbStateStore(dir);
      const cur = store.current()!;
      await store.stage({ meta: { ...cur, id: cur.id + 1, positions: { in: 99 } }, delta: { puts: [], deletes: [], trims: {} } });
      await store.close();
      const asked: number[] = [];
      const tx: StreamSink = { ...collectSink(), kind: 'tx', async commit() {}, async isCommitted(id) { asked.push(id); return committed; } };
      const messages: string[] = [];
      const r = await runStream(countsApp(rows(20), tx, 'staged'), { stateDir: dir, log: (_l, m) => messages.push(m) });
      expect(asked).toEqual([cur.id + 1]);
      expect(r.restoredFrom).toBe(committed ? cur.id + 1 : cur.id);
      expect(messages.some((m) => m.includes(committed ? 'finished checkpoint' : 'discarded checkpoint'))).toBe(true);
    }
  });

  it('fails with the sink named when a sink throws, without storing a checkpoint past the failure', async () => {
    const dir = stateDir();
    const bad: StreamSink = { kind: 'bad', open() {}, write() { throw new Error('disk full'); }, flush() {}, close() {} };
    await expect(runStream(countsApp(rows(30), bad), { stateDir: dir })).rejects.toThrow(/out: disk full/);
    const store = new LmdbStateStore(dir);
    expect(store.current()).toBeUndefined();
    await store.close();
  });

  it('refuses state written by another topology, and a second instance on the same state folder', async () => {
    const dir = stateDir();
    await runStream(countsApp(rows(5), collectSink()), { stateDir: dir });
    const other = streamApp('counts');
    other.source('in', memorySource(rows(5)), { eventTime: 'ts' }).keyBy('v').window(tumbling('1s')).aggregate({ n: count() }, { name: 'win' }).to(collectSink(), { name: 'out' });
    await expect(runStream(other, { stateDir: dir })).rejects.toThrow(/written by a different version of app "counts"/);

    const stop = new AbortController();
    const app = streamApp('locked');
    const produced = { n: 0 };
    app.source('in', counterSource(1, produced)).to(collectSink(), { name: 'out' });
    const dir2 = stateDir();
    const running = runStream(app, { stateDir: dir2, signal: stop.signal });
    await until(() => produced.n > 0, 'the first app to hold its state folder and read');
    const app2 = streamApp('locked');
    app2.source('in', counterSource(1, { n: 0 })).to(collectSink(), { name: 'out' });
    await expect(runStream(app2, { stateDir: dir2 })).rejects.toThrow(/is in use by another app in this process/);
    stop.abort();
    await running;
  });
});
