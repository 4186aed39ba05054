import { describe, expect, it } from 'vitest';
import { avg, count, first, last, max, min, sum } from '../aggregates.js';
import { streamApp } from '../app.js';
import { collectSink } from '../connectors/memory.js';
import { TestRunner } from '../testing/test-runner.js';
import { session, sliding, tumbling, type WindowSpec } from '../windows.js';

const s = (n: number) => n * 1000;

function app(window: WindowSpec, opts: { lateness?: number; outOfOrder?: number } = {}) {
  const a = streamApp('w');
  const src = a.source('in', { kind: 'test', open() {}, async *batches() {}, close() {} }, { eventTime: 't', maxOutOfOrder: opts.outOfOrder ?? 0 });
  const w = src.keyBy('k').window(window, { allowedLateness: opts.lateness ?? 0 }).aggregate({ n: count(), total: sum('v') }, { name: 'win' });
  w.to(collectSink(), { name: 'out' });
  w.late().to(collectSink(), { name: 'late' });
  return a;
}

describe('tumbling windows', () => {
  it('counts per key and window, firing when the watermark passes the window end', () => {
    const t = new TestRunner(app(tumbling('10s')));
    t.push('in', [
      { k: 'a', v: 1, t: s(1) },
      { k: 'b', v: 2, t: s(2) },
      { k: 'a', v: 3, t: s(9.999) },
    ]);
    expect(t.output('out')).toEqual([]); // watermark 9.998 s: window [0,10) still open
    t.push('in', [{ k: 'a', v: 4, t: s(10) }]); // watermark 9.999 s = the window's last millisecond
    expect(t.output('out')).toEqual([
      { k: 'a', window_start: 0, window_end: s(10), n: 2, total: 4 },
      { k: 'b', window_start: 0, window_end: s(10), n: 1, total: 2 },
    ]);
    t.end();
    expect(t.output('out').slice(2)).toEqual([{ k: 'a', window_start: s(10), window_end: s(20), n: 1, total: 4 }]);
    expect(t.stateSize('win')).toBe(0);
  });

  it('accepts out-of-order events within maxOutOfOrder', () => {
    const t = new TestRunner(app(tumbling('10s'), { outOfOrder: s(5) }));
    t.push('in', [{ k: 'a', v: 1, t: s(12) }]); // watermark 6.999 s
    t.push('in', [{ k: 'a', v: 1, t: s(8) }]); // still on time
    t.push('in', [{ k: 'a', v: 1, t: s(15) }]); // watermark 9.999 s: [0,10) fires
    expect(t.output('out')).toEqual([{ k: 'a', window_start: 0, window_end: s(10), n: 1, total: 1 }]);
    expect(t.output('late')).toEqual([]);
  });

  it('computes every built-in aggregate', () => {
    const a = streamApp('aggs');
    a.source('in', { kind: 'test', open() {}, async *batches() {}, close() {} }, { eventTime: 't' })
      .keyBy('k').window(tumbling('1m')).aggregate({ n: count(), s: sum('v'), lo: min('v'), hi: max('v'), mean: avg('v'), f: first('name'), l: last('name') })
      .to(collectSink(), { name: 'out' });
    const t = new TestRunner(a);
    t.push('in', [
      { k: 1, v: 5, name: 'second', t: s(20) },
      { k: 1, v: null, name: 'third', t: s(30) },
      { k: 1, v: -1, name: 'first', t: s(10) },
      { k: 1, v: 8, name: 'fourth', t: s(40) },
    ]).end();
    expect(t.output('out')).toEqual([{ k: 1, window_start: 0, window_end: 60_000, n: 4, s: 12, lo: -1, hi: 8, mean: 4, f: 'first', l: 'fourth' }]);
  });
});

describe('keys and aggregates as aggregate_mod writes them', () => {
  const source = (name: string) => {
    const a = streamApp(name);
    return { a, src: a.source('in', { kind: 'test', open() {}, async *batches() {}, close() {} }, { eventTime: 't' }) };
  };
  const rows = [
    { shop: 'x', day: 'mon', v: 5, name: 'pear', t: s(1) },
    { shop: 'x', day: 'tue', v: null, name: 'apple', t: s(2) },
    { shop: 'x', day: 'mon', v: 7, name: 'fig', t: s(3) },
    { shop: 'y', day: 'mon', v: 1, name: null, t: s(4) },
  ];

  it('groups by several columns, with count(*), count(col), min/max of text in the column\'s type', () => {
    const { a, src } = source('multi');
    src.keyBy(['shop', 'day']).window(tumbling('1m')).aggregate({ n: 'count(*)', priced: 'count(v)', lo: 'min(name)', hi: max('name'), total: 'sum(v)' }).to(collectSink(), { name: 'out' });
    const t = new TestRunner(a);
    t.push('in', rows).end();
    expect(t.output('out')).toEqual([
      { shop: 'x', day: 'mon', window_start: 0, window_end: 60_000, n: 2, priced: 2, lo: 'fig', hi: 'pear', total: 12 },
      { shop: 'x', day: 'tue', window_start: 0, window_end: 60_000, n: 1, priced: 0, lo: 'apple', hi: 'apple', total: null },
      { shop: 'y', day: 'mon', window_start: 0, window_end: 60_000, n: 1, priced: 1, lo: null, hi: null, total: 1 },
    ]);
  });

  it('makes one key for every event with no key columns', () => {
    const { a, src } = source('none');
    src.keyBy([]).window(tumbling('1m')).aggregate({ n: count(), first_name: 'first(name)', last_v: 'last(v)' }).to(collectSink(), { name: 'out' });
    const t = new TestRunner(a);
    t.push('in', rows).end();
    expect(t.output('out')).toEqual([{ window_start: 0, window_end: 60_000, n: 4, first_name: 'pear', last_v: 1 }]);
  });

  it('refuses every bad aggregate text at once, and joins on several columns', () => {
    const { src } = source('bad');
    expect(() => src.keyBy('shop').window(tumbling('1m')).aggregate({ a: 'median(v)', b: 'count', ok: 'sum(v)' })).toThrow(
      /^aggregate: a: "median\(v\)": median is for batch flows \(aggregate_mod\) only; b: "count" needs its column in parentheses: write count\(\*\) \(write aggregates as .*a stream window allows: count\(\*\), count\(col\), sum\(col\), avg\(col\), min\(col\), max\(col\), first\(col\), last\(col\)\)$/,
    );
    expect(() => src.keyBy('shop').window(tumbling('1m')).aggregate({ c: 'count(distinct v)' })).toThrow(
      /^aggregate: c: "count\(distinct v\)": DISTINCT is for batch flows \(aggregate_mod\) only \(/,
    );
    expect(() => src.keyBy('shop').window(tumbling('1m')).aggregate({ shop: count() })).toThrow('aggregate: output name "shop" clashes with a key column; rename it');
    expect(() => src.keyBy(['shop', 'day']).join(src.keyBy('shop'), { window: tumbling('1m') })).toThrow(/^join: key each side by one column, e.g. keyBy\('id'\) \(not shop, day\)/);
  });
});

describe('sliding windows', () => {
  it('counts an event in every window that contains it', () => {
    const t = new TestRunner(app(sliding('10s', '5s')));
    t.push('in', [{ k: 'a', v: 1, t: s(7) }, { k: 'a', v: 1, t: s(12) }]).end();
    expect(t.output('out')).toEqual([
      { k: 'a', window_start: s(0), window_end: s(10), n: 1, total: 1 },
      { k: 'a', window_start: s(5), window_end: s(15), n: 2, total: 2 },
      { k: 'a', window_start: s(10), window_end: s(20), n: 1, total: 1 },
    ]);
  });
});

describe('session windows', () => {
  it('closes a key\'s session after the gap and merges sessions an event bridges', () => {
    const t = new TestRunner(app(session('5s')));
    t.push('in', [
      { k: 'a', v: 1, t: s(0) },
      { k: 'a', v: 1, t: s(3) }, // same session: [0, 8)
      { k: 'b', v: 1, t: s(1) },
      { k: 'a', v: 1, t: s(20) }, // watermark 19.999: a [0,8) and b [1,6) fire
    ]);
    expect(t.output('out')).toEqual([
      { k: 'b', window_start: s(1), window_end: s(6), n: 1, total: 1 },
      { k: 'a', window_start: s(0), window_end: s(8), n: 2, total: 2 },
    ]);
    const t2 = new TestRunner(app(session('5s'), { outOfOrder: s(30) }));
    t2.push('in', [{ k: 'a', v: 1, t: s(0) }, { k: 'a', v: 1, t: s(8) }]); // two sessions [0,5) and [8,13)
    expect(t2.stateSize('win')).toBe(2);
    t2.push('in', [{ k: 'a', v: 1, t: s(4) }]); // [4,9) bridges them: one session [0,13)
    expect(t2.stateSize('win')).toBe(1);
    t2.end();
    expect(t2.output('out')).toEqual([{ k: 'a', window_start: 0, window_end: s(13), n: 3, total: 3 }]);
  });
});

describe('lateness', () => {
  it('sends events for closed windows to the late output when lateness is 0', () => {
    const t = new TestRunner(app(tumbling('10s')));
    t.push('in', [{ k: 'a', v: 1, t: s(5) }, { k: 'a', v: 1, t: s(15) }]);
    t.push('in', [{ k: 'a', v: 7, t: s(9) }]);
    expect(t.output('out')).toEqual([{ k: 'a', window_start: 0, window_end: s(10), n: 1, total: 1 }]);
    expect(t.output('late')).toEqual([{ k: 'a', v: 7, t: s(9) }]);
  });

  it('updates and re-fires a window for late events within the allowed lateness, then sends later ones aside', () => {
    const t = new TestRunner(app(tumbling('10s'), { lateness: s(5) }));
    t.push('in', [{ k: 'a', v: 1, t: s(5) }, { k: 'a', v: 1, t: s(12) }]); // [0,10) fires: n=1
    t.push('in', [{ k: 'a', v: 2, t: s(8) }]); // late but within 5 s: fires again with n=2
    expect(t.output('out')).toEqual([
      { k: 'a', window_start: 0, window_end: s(10), n: 1, total: 1 },
      { k: 'a', window_start: 0, window_end: s(10), n: 2, total: 3 },
    ]);
    t.push('in', [{ k: 'a', v: 1, t: s(16) }]); // watermark 15.999 ≥ 9.999 + 5: [0,10) is gone
    t.push('in', [{ k: 'a', v: 9, t: s(1) }]);
    expect(t.output('late')).toEqual([{ k: 'a', v: 9, t: s(1) }]);
    expect(t.output('out')).toHaveLength(2);
  });

  it('finds the same late events however the source batched them (the watermark advances per event)', () => {
    // With out-of-order events, lateness 0 and 2 s of allowed disorder: 9 s comes after 15 s raised
    // the watermark to 12.999 s, so it is late whether or not 15 s arrived in the same batch.
    const events = [
      { k: 'a', v: 1, t: s(5) }, { k: 'b', v: 1, t: s(6) }, { k: 'a', v: 1, t: s(15) }, { k: 'a', v: 7, t: s(9) },
      { k: 'b', v: 2, t: s(14) }, { k: 'a', v: 3, t: s(23) }, { k: 'b', v: 4, t: s(21) }, { k: 'b', v: 5, t: s(19) }, { k: 'a', v: 6, t: s(31) },
    ];
    const run = (cuts: number[]) => {
      const t = new TestRunner(app(tumbling('10s'), { outOfOrder: s(2) }));
      let from = 0;
      for (const to of [...cuts, events.length]) {
        t.push('in', events.slice(from, to));
        from = to;
      }
      t.end('in');
      return { late: t.output('late'), out: t.output('out') };
    };
    const one = run([]);
    expect(one.late).toEqual([{ k: 'a', v: 7, t: s(9) }, { k: 'b', v: 5, t: s(19) }]);
    for (const cuts of [[1, 2, 3, 4, 5, 6, 7, 8], [3], [4], [2, 7], [5]]) {
      const other = run(cuts);
      expect(other.late).toEqual(one.late);
      expect(new Set(other.out.map((r) => JSON.stringify(r)))).toEqual(new Set(one.out.map((r) => JSON.stringify(r))));
    }
  });

  it('sends events without an event time to the late output', () => {
    const t = new TestRunner(app(tumbling('10s')));
    t.push('in', [{ k: 'a', v: 1, t: s(1) }, { k: 'a', v: 1, t: null }]);
    expect(t.output('late')).toEqual([{ k: 'a', v: 1, t: null }]);
  });

  it('follows an explicit watermark and the idle timeout on a virtual clock', () => {
    const a = streamApp('idle');
    a.source('in', { kind: 'test', open() {}, async *batches() {}, close() {} }, { eventTime: 't', idleTimeout: '30s' })
      .keyBy('k').window(tumbling('10s')).aggregate({ n: count() }).to(collectSink(), { name: 'out' });
    const t = new TestRunner(a, { now: s(100) });
    t.push('in', [{ k: 'x', t: s(101) }]);
    t.advanceTime(s(10));
    expect(t.output('out')).toEqual([]);
    t.advanceTime(s(25)); // silent for 35 s ≥ 30 s: the watermark follows the clock (135 s)
    expect(t.output('out')).toEqual([{ k: 'x', window_start: s(100), window_end: s(110), n: 1 }]);
    const t2 = new TestRunner(app(tumbling('10s')));
    t2.push('in', [{ k: 'a', v: 1, t: s(1) }]).watermark('in', s(10) - 1);
    expect(t2.output('out')).toEqual([{ k: 'a', window_start: 0, window_end: s(10), n: 1, total: 1 }]);
  });
});

describe('reduce', () => {
  it('folds rows with a function; object accumulators become columns', () => {
    const a = streamApp('reduce');
    a.source('in', { kind: 'test', open() {}, async *batches() {}, close() {} }, { eventTime: 't' })
      .keyBy('k').window(tumbling('10s'))
      .reduce((acc: { items: string; n: number }, row) => ({ items: acc.items + String(row.item), n: acc.n + 1 }), { items: '', n: 0 })
      .to(collectSink(), { name: 'out' });
    const t = new TestRunner(a);
    t.push('in', [{ k: 'a', item: 'x', t: 1 }, { k: 'a', item: 'y', t: 2 }]).end();
    expect(t.output('out')).toEqual([{ k: 'a', window_start: 0, window_end: s(10), items: 'xy', n: 2 }]);
  });
});

describe('recovery in the deterministic runner', () => {
  it('restores window state from a checkpoint and replays what followed it', async () => {
    const t = new TestRunner(app(tumbling('10s')));
    t.push('in', [{ k: 'a', v: 1, t: s(1) }, { k: 'b', v: 1, t: s(2) }]);
    await t.checkpoint();
    t.push('in', [{ k: 'a', v: 1, t: s(3) }]);
    t.crash(); // loses the third event's effect on state, then replays it
    t.push('in', [{ k: 'a', v: 1, t: s(11) }]);
    expect(t.output('out')).toEqual([
      { k: 'a', window_start: 0, window_end: s(10), n: 2, total: 2 },
      { k: 'b', window_start: 0, window_end: s(10), n: 1, total: 1 },
    ]);
  });

  it('does not fire a window twice after a restart when it fired before the checkpoint', async () => {
    const t = new TestRunner(app(tumbling('10s')));
    t.push('in', [{ k: 'a', v: 1, t: s(1) }, { k: 'a', v: 1, t: s(12) }]);
    await t.checkpoint();
    t.crash();
    t.end();
    expect(t.output('out')).toEqual([
      { k: 'a', window_start: 0, window_end: s(10), n: 1, total: 1 },
      { k: 'a', window_start: s(10), window_end: s(20), n: 1, total: 1 },
    ]);
  });
});
