import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { concatBatches, sortIndices, takeRows, type SortKey } from '@pypeline/verbs';
import { externalSort } from './external-sort.js';
import { batchBytes } from '@pypeline/verbs';
import { SCHEMA, collect, generateBatches, pick, rowsOf, streamOf } from './testing/generate-batches.js';

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'spill-sort-test-'));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

const inMemory = (batches: ReturnType<typeof generateBatches>, keys: SortKey[]) => {
  const all = concatBatches(SCHEMA, batches);
  return rowsOf([takeRows(all, sortIndices(all, keys))]);
};

const KEYS: [string, SortKey[]][] = [
  ['one int key', [{ column: 'k' }]],
  ['text desc, nulls last', [{ column: 's', descending: true, nulls: 'last' }]],
  ['three keys, mixed directions and nulls', [{ column: 'b', nulls: 'first' }, { column: 'big', descending: true }, { column: 'x', nulls: 'last' }]],
  ['date and timestamp', [{ column: 'd', descending: true, nulls: 'last' }, { column: 'ts' }]],
];

describe('externalSort', () => {
  it.each(KEYS)('spilled, gives exactly the in-memory stable order (%s)', async (_, keys) => {
    const batches = generateBatches(7, 40, 500);
    const logs: Record<string, unknown>[] = [];
    const budget = Math.floor(batchBytes(batches[0]) * 3);
    const out = await collect(externalSort(streamOf(batches), { schema: SCHEMA, keys, memoryBudget: budget, tempDir: temp, batchRows: 700, logger: { info: (_m, f) => logs.push(f!) } }));
    expect(rowsOf(out)).toEqual(inMemory(batches, keys));
    expect(out.every((b) => b.numRows <= 700)).toBe(true);
    expect(out[0].schema.fields.map(String)).toEqual(SCHEMA.fields.map(String));
    expect(logs).toHaveLength(1);
    expect(logs[0].runs).toBeGreaterThan(10);
    expect(logs[0].rows).toBe(20_000);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it.each(KEYS)('spilled, each run sorted in pieces of one batch and merged, gives the in-memory stable order (%s)', async (_, keys) => {
    const batches = generateBatches(5, 40, 500);
    const out = await collect(externalSort(streamOf(batches), { schema: SCHEMA, keys, memoryBudget: Math.floor(batchBytes(batches[0]) * 6), pieceBytes: 1, tempDir: temp, batchRows: 700 }));
    expect(rowsOf(out)).toEqual(inMemory(batches, keys));
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it('spilled flat columns (copied buffer to buffer when merged) give the in-memory order too', async () => {
    const flat = generateBatches(11, 30, 400).map((b) => pick(b, ['id', 'k', 'big', 'x', 's', 'b', 'd', 'ts']));
    const schema = flat[0].schema;
    const keys: SortKey[] = [{ column: 'x', descending: true, nulls: 'first' }, { column: 's' }];
    const out = await collect(externalSort(streamOf(flat), { schema, keys, memoryBudget: batchBytes(flat[0]) * 2, tempDir: temp, batchRows: 333 }));
    const all = concatBatches(schema, flat);
    expect(rowsOf(out)).toEqual(rowsOf([takeRows(all, sortIndices(all, keys))]));
    expect(out[0].schema.fields.map(String)).toEqual(schema.fields.map(String));
  }, 60_000);

  it('sorts in memory, without touching the disk, when the input fits', async () => {
    const batches = generateBatches(3, 4, 300);
    const keys: SortKey[] = [{ column: 's' }, { column: 'id', descending: true }];
    const logs: unknown[] = [];
    let asked = 0;
    const tempDir = () => {
      asked++;
      return temp;
    };
    const out = await collect(externalSort(streamOf(batches), { schema: SCHEMA, keys, memoryBudget: 1 << 30, tempDir, logger: { info: (m) => logs.push(m) } }));
    expect(out).toHaveLength(1);
    expect(rowsOf(out)).toEqual(inMemory(batches, keys));
    expect(asked).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
    expect(logs).toEqual([]);
  });

  it('gives no batches for an empty input (and for one of empty batches)', async () => {
    const opts = { schema: SCHEMA, keys: [{ column: 'k' }], memoryBudget: 1, tempDir: temp };
    expect(await collect(externalSort(streamOf([]), opts))).toEqual([]);
    expect(await collect(externalSort(streamOf(generateBatches(1, 3, 0)), opts))).toEqual([]);
  });

  it('removes its files when the input fails', async () => {
    const batches = generateBatches(5, 20, 200);
    const sort = externalSort(streamOf(batches, 15), { schema: SCHEMA, keys: [{ column: 'k' }], memoryBudget: batchBytes(batches[0]), tempDir: temp });
    await expect(collect(sort)).rejects.toThrow('the source failed');
    expect(readdirSync(temp)).toEqual([]);
  });

  it('stops and removes its files when aborted while merging', async () => {
    const batches = generateBatches(9, 20, 500);
    const controller = new AbortController();
    const sort = externalSort(streamOf(batches), { schema: SCHEMA, keys: [{ column: 's' }], memoryBudget: batchBytes(batches[0]), tempDir: temp, batchRows: 100, signal: controller.signal });
    const first = await sort.next();
    expect(first.done).toBe(false);
    expect(readdirSync(temp)).toHaveLength(1);
    controller.abort(new Error('run cancelled'));
    await expect(collect(sort)).rejects.toThrow('run cancelled');
    expect(readdirSync(temp)).toEqual([]);
  });

  it('stops and removes its files when aborted while reading its input', async () => {
    const batches = generateBatches(9, 20, 500);
    const controller = new AbortController();
    const input = (async function* () {
      for (const [i, b] of batches.entries()) {
        if (i === 10) controller.abort(new Error('run cancelled'));
        yield b;
      }
    })();
    const sort = externalSort(input, { schema: SCHEMA, keys: [{ column: 's' }], memoryBudget: batchBytes(batches[0]), tempDir: temp, signal: controller.signal });
    await expect(collect(sort)).rejects.toThrow('run cancelled');
    expect(readdirSync(temp)).toEqual([]);
  });

  it('removes its files when the reader stops early', async () => {
    const batches = generateBatches(4, 20, 500);
    for await (const _ of externalSort(streamOf(batches), { schema: SCHEMA, keys: [{ column: 'id', descending: true }], memoryBudget: batchBytes(batches[0]), tempDir: temp, batchRows: 10 })) break;
    expect(readdirSync(temp)).toEqual([]);
  });
});
