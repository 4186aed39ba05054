import { describe, expect, it } from 'vitest';
import { batchToRows } from '@pypeline/stream';
import { Decoder } from './formats.js';

describe('Decoder', () => {
  it('decodes later batches straight into columns as the first, and coerces what needs it', () => {
    const d = new Decoder('test');
    const first = d.decode(['{"s":"a","x":1,"ts":10}', '{"s":"b","x":2.5,"ts":11}'])!;
    expect(batchToRows(first)).toEqual([{ s: 'a', x: 1, ts: 10 }, { s: 'b', x: 2.5, ts: 11 }]);
    // Schema known: the direct path, metadata and missing fields included.
    const second = d.decode([new TextEncoder().encode('{"s":"c","x":3,"ts":12,"other":1}'), '{"x":null}'], [{ s: 'm' }, {}])!;
    expect(batchToRows(second)).toEqual([{ s: 'm', x: 3, ts: 12 }, { s: null, x: null, ts: null }]);
    // A value of another type and a message holding several rows take the generic path.
    expect(batchToRows(d.decode(['{"s":5,"x":"4.5","ts":13}'])!)).toEqual([{ s: '5', x: 4.5, ts: 13 }]);
    expect(batchToRows(d.decode(['[{"s":"d","x":1,"ts":1},{"s":"e","x":2,"ts":2}]', '{"s":"f","x":3,"ts":3}'])!).map((r) => r.s)).toEqual(['d', 'e', 'f']);
  });

  it('skips a bad message on the direct path too, with onError: skip', () => {
    const d = new Decoder('test', { schema: { s: 'string' }, onError: 'skip' });
    expect(batchToRows(d.decode(['{"s":"a"}', 'not json', '7', '{"s":"b"}'])!)).toEqual([{ s: 'a' }, { s: 'b' }]);
    expect(d.decode(['nope'])).toBeUndefined();
  });
});
