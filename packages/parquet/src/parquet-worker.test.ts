import { existsSync } from 'node:fs';
import { Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { decodeParquet } from './read-parquet-file.js';
import { parquetWorkerFile } from './worker-file.js';
import type { ParquetEncodeTask } from './parquet-worker.js';

const table = new Table({
  id: vectorFromArray([1, null, 3], new Int32()),
  name: vectorFromArray(['a', 'b', null], new Utf8()),
});

describe('parquetWorkerFile', () => {
  it('points at the built worker', () => {
    expect(parquetWorkerFile).toMatch(/[/\\]dist[/\\]parquet-worker\.js$/);
    expect(existsSync(parquetWorkerFile)).toBe(true);
  });

  it('encodes in a real worker thread from a transferred IPC buffer', async () => {
    const pool = new Piscina({ filename: parquetWorkerFile, maxThreads: 1 });
    try {
      const ipc = tableToIPC(table, 'stream');
      const task: ParquetEncodeTask = { ipc, compression: 'zstd', rowGroupSize: 2 };
      const bytes = await pool.run(task, { transferList: [ipc.buffer as ArrayBuffer] });
      expect(ipc.byteLength).toBe(0); // moved, not copied
      const back = decodeParquet(bytes as Uint8Array, 'worker output');
      expect(back.toArray().map((row) => row.toJSON())).toEqual([
        { id: 1, name: 'a' },
        { id: null, name: 'b' },
        { id: 3, name: null },
      ]);
    } finally {
      await pool.destroy();
    }
  }, 60_000); // a worker thread that loads the Parquet WASM module: seconds on a busy machine
});
