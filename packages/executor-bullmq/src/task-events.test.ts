import { describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';
import { EventForwarder, type EventBatch } from './task-events.js';

describe('EventForwarder', () => {
  it('sends events in batches, in order, without runId and time', async () => {
    const sent: EventBatch[] = [];
    const f = new EventForwarder(async (b) => void sent.push(b), 5);
    f.push({ type: 'log', level: 'info', msg: 'a', runId: 'r', time: 1 } as any);
    f.push({ type: 'log', level: 'info', msg: 'b' });
    await until(() => sent.length === 1, 'the first batch to go out on its timer');
    f.push({ type: 'log', level: 'info', msg: 'c' });
    await f.flush();
    expect(sent.map((b) => b.events.map((e: any) => e.msg))).toEqual([['a', 'b'], ['c']]);
    expect(sent[0].events[0]).toEqual({ type: 'log', level: 'info', msg: 'a' });
  });

  it('keeps going when a batch cannot be sent', async () => {
    let calls = 0;
    const f = new EventForwarder(async () => {
      if (++calls === 1) throw new Error('redis hiccup');
    }, 1);
    f.push({ type: 'log', level: 'info', msg: 'a' });
    await f.flush();
    f.push({ type: 'log', level: 'info', msg: 'b' });
    await f.flush();
    expect(calls).toBe(2);
  });
});
