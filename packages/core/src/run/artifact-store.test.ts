import { Int32, RecordBatch, Table, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact } from '@pypeline/sdk';
import { describe, expect, it } from 'vitest';
import { ArtifactStore, ParquetArtifact, StreamArtifact, StreamError } from './artifact-store.js';

const batch = (from: number, n: number) => new Table({ id: vectorFromArray(Array.from({ length: n }, (_, i) => from + i), new Int32()) }).batches[0];

async function* produce(batches: number, onPull?: () => void): AsyncGenerator<RecordBatch> {
  for (let i = 0; i < batches; i++) {
    onPull?.();
    yield batch(i * 10, 10);
  }
}

async function ids(batches: AsyncIterable<RecordBatch>): Promise<number[]> {
  const out: number[] = [];
  for await (const b of batches) out.push(...(b.getChild('id')!.toArray() as Int32Array));
  return out;
}

describe('ArtifactStore with streams', () => {
  it('passes a stream with one reader through, counting rows as they pass', async () => {
    const store = new ArtifactStore({ threshold_rows: 1_000_000, max_ram_share: 1 }, () => {});
    let pulled = 0;
    let ended = -1;
    const art = await store.register(produce(3, () => pulled++), undefined, { readers: 1 }, { producer: 'src (emit)', onEnd: (n) => (ended = n) });
    expect(art).toBeInstanceOf(StreamArtifact);
    expect(art.schema.names).toEqual(['id']);
    expect(pulled).toBe(1); // the first batch, for the schema
    expect(art.numRows).toBe(0);
    expect(await ids(art.batches())).toHaveLength(30);
    expect([art.numRows, ended]).toEqual([30, 30]);
    expect(() => art.batches()).toThrow(/already read/);
  });

  it('stores a stream with two readers: in memory under the threshold, spilled to Parquet over it', async () => {
    const spills: number[] = [];
    const small = new ArtifactStore({ threshold_rows: 1000, max_ram_share: 1 }, () => {});
    const kept = await small.register(produce(3), undefined, { readers: 2 });
    expect(kept).toBeInstanceOf(MemoryArtifact);
    const big = new ArtifactStore({ threshold_rows: 15, max_ram_share: 1 }, () => {});
    const spilled = await big.register(produce(5), (_uri, rows) => spills.push(rows), { readers: 2 });
    try {
      expect(spilled).toBeInstanceOf(ParquetArtifact);
      expect(spills).toEqual([50]);
      expect(await ids(spilled.batches())).toEqual(await ids(spilled.batches()));
      expect((await spilled.table()).numRows).toBe(50);
    } finally {
      big.cleanup();
    }
  });

  it('names the producer of an error inside a stream, once, and does not retry it', async () => {
    const store = new ArtifactStore({ threshold_rows: 1000, max_ram_share: 1 }, () => {});
    async function* broken(): AsyncGenerator<RecordBatch> {
      yield batch(0, 1);
      throw Object.assign(new Error('line 7: bad value'), { hint: 'fix line 7' });
    }
    const errors: unknown[] = [];
    const art = await store.register(broken(), undefined, { readers: 1 }, { producer: 'src (csv_source)', onError: (e) => errors.push(e) });
    const error = await ids(art.batches()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).message).toBe('src (csv_source): line 7: bad value');
    expect((error as StreamError).retryable).toBe(false);
    expect((error as StreamError).hint).toBe('fix line 7');
    expect(errors).toHaveLength(1);
  });

  it('collects a stream whole when a reader asks for the table', async () => {
    const store = new ArtifactStore({ threshold_rows: 1000, max_ram_share: 1 }, () => {});
    const art = await store.register(produce(2), undefined, { readers: 1 });
    expect((await art.table()).numRows).toBe(20);
    expect(await ids(art.batches())).toHaveLength(20);
  });
});

describe('a stream cut short by a cancelled run', () => {
  it('reaches its reader as the abort, not as the end of the data, so a sink cannot commit a partial output', async () => {
    const store = new ArtifactStore({ threshold_rows: 1000, max_ram_share: 1 }, () => {});
    const run = new AbortController();
    // A producer like csv_source: it stops quietly when the run's signal aborts.
    async function* polite(): AsyncGenerator<RecordBatch> {
      for (let i = 0; i < 100; i++) {
        if (run.signal.aborted) return;
        yield batch(i * 10, 10);
      }
    }
    const art = await store.register(polite(), undefined, { readers: 1 }, { producer: 'src (csv_source)', signal: run.signal });
    const seen: number[] = [];
    const read = (async () => {
      for await (const b of art.batches()) {
        seen.push(b.numRows);
        if (seen.length === 3) run.abort(new Error('the run was cancelled'));
      }
    })();
    await expect(read).rejects.toThrow('the run was cancelled');
    expect(seen).toEqual([10, 10, 10]);
    // Without an abort, the same early end is the end.
    const whole = await store.register(produce(2), undefined, { readers: 1 }, { producer: 'src', signal: new AbortController().signal });
    expect(await ids(whole.batches())).toHaveLength(20);
  });
});
