import { describe, expect, it } from 'vitest';
import { streamApp } from '../app.js';
import { collectSink } from '../connectors/memory.js';
import { TestRunner } from '../testing/test-runner.js';
import { sliding, tumbling, type WindowSpec } from '../windows.js';

const none = () => ({ kind: 'test', open() {}, async *batches() {}, close() {} });

function joinApp(window: WindowSpec, lateness = 0) {
  const a = streamApp('join');
  const orders = a.source('orders', none(), { eventTime: 'ts' });
  const payments = a.source('payments', none(), { eventTime: 'ts' });
  const j = orders.keyBy('order_id').join(payments.keyBy('order_id'), { window, allowedLateness: lateness, name: 'j' });
  j.to(collectSink(), { name: 'out' });
  j.late().to(collectSink(), { name: 'late' });
  return a;
}

describe('windowed join', () => {
  it('pairs rows with equal keys in the same window once both watermarks pass it', () => {
    const t = new TestRunner(joinApp(tumbling('10s')));
    t.push('orders', [{ order_id: 1, item: 'book', ts: 1000 }, { order_id: 2, item: 'pen', ts: 2000 }, { order_id: 3, item: 'ink', ts: 9000 }]);
    t.push('payments', [{ order_id: 1, amount: 12.5, ts: 4000 }, { order_id: 3, amount: 1, ts: 11_000 }]);
    t.push('orders', [{ order_id: 9, item: 'cup', ts: 30_000 }]);
    // payments' watermark (10.999 s) closes [0,10): order 1 pairs; order 3 paid in the next window; order 2 unpaid
    expect(t.output('out')).toEqual([{ order_id: 1, window_start: 0, window_end: 10_000, item: 'book', ts: 1000, right_ts: 4000, amount: 12.5 }]);
    t.end();
    expect(t.output('out')).toHaveLength(1);
  });

  it('takes the smaller of the two watermarks: a slow side holds windows open', () => {
    const t = new TestRunner(joinApp(tumbling('10s')));
    t.push('orders', [{ order_id: 1, item: 'a', ts: 1000 }, { order_id: 1, item: 'b', ts: 50_000 }]);
    t.push('payments', [{ order_id: 1, amount: 1, ts: 2000 }, { order_id: 1, amount: 2, ts: 3000 }]);
    expect(t.output('out')).toEqual([]);
    t.watermark('payments', 20_000);
    expect(t.output('out').map((r) => r.amount)).toEqual([1, 2]);
  });

  it('joins in every sliding window both rows share', () => {
    const t = new TestRunner(joinApp(sliding('10s', '5s')));
    t.push('orders', [{ order_id: 1, item: 'a', ts: 6000 }]);
    t.push('payments', [{ order_id: 1, amount: 1, ts: 8000 }]);
    t.end();
    expect(t.output('out').map((r) => [r.window_start, r.window_end])).toEqual([[0, 10_000], [5000, 15_000]]);
  });

  it('emits only the new pairs for a late row within the lateness, and sends later rows aside', () => {
    const t = new TestRunner(joinApp(tumbling('10s'), 5000));
    t.push('orders', [{ order_id: 1, item: 'a', ts: 1000 }, { order_id: 5, item: 'z', ts: 12_000 }]);
    t.push('payments', [{ order_id: 1, amount: 1, ts: 2000 }, { order_id: 5, amount: 5, ts: 12_000 }]);
    expect(t.output('out')).toHaveLength(1);
    t.push('payments', [{ order_id: 1, amount: 2, ts: 3000 }]); // late, within 5 s
    expect(t.output('out').map((r) => r.amount)).toEqual([1, 2]);
    t.push('orders', [{ order_id: 7, item: 'q', ts: 40_000 }]);
    t.push('payments', [{ order_id: 7, amount: 7, ts: 40_000 }]);
    t.push('payments', [{ order_id: 1, amount: 3, ts: 4000 }]); // past the lateness
    expect(t.output('late')).toEqual([{ order_id: 1, amount: 3, ts: 4000 }]);
  });

  it('refuses session windows and sides without event time', () => {
    const a = streamApp('bad');
    const x = a.source('x', none(), { eventTime: 'ts' });
    const y = a.source('y', none());
    expect(() => x.keyBy('k').join(y.keyBy('k'), { window: tumbling('1s') })).toThrow(/event time on both sides/);
  });
});
