import { RecordBatch, Table, tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { limitOutputs } from './row-limit.js';

const batch = (from: number, n: number): RecordBatch => tableFromArrays({ x: Int32Array.from({ length: n }, (_, i) => from + i) }).batches[0];

describe('limitOutputs', () => {
  it('cuts a stream at the limit and stops reading it', async () => {
    let produced = 0;
    let closed = false;
    async function* source(): AsyncGenerator<RecordBatch> {
      try {
        for (let i = 0; i < 100; i++) {
          produced++;
          yield batch(i * 10, 10);
        }
      } finally {
        closed = true;
      }
    }
    const out = limitOutputs({ out: source() }, 25).out as AsyncIterable<RecordBatch>;
    const rows: number[] = [];
    for await (const b of out) rows.push(...(b.getChild('x')!.toArray() as Int32Array));
    expect(rows).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(produced).toBe(3);
    expect(closed).toBe(true);
  });

  it('slices tables and batch lists, and leaves smaller outputs alone', () => {
    const table = new Table([batch(0, 10), batch(10, 10)]);
    const limited = limitOutputs({ t: table, l: [batch(0, 4), batch(4, 4), batch(8, 4)], small: [batch(0, 2)] }, 6);
    expect((limited.t as Table).numRows).toBe(6);
    expect((limited.l as RecordBatch[]).map((b) => b.numRows)).toEqual([4, 2]);
    expect((limited.small as RecordBatch[]).map((b) => b.numRows)).toEqual([2]);
    expect(limitOutputs({ t: table }, 50).t).toBe(table);
  });
});
