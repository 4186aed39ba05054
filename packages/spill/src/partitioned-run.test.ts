import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Table, type RecordBatch } from 'apache-arrow';
import { concatBatches, groupRows, hashJoin, takeRows } from '@pypeline/verbs';
import { partitionedRun, type PartitionInfo } from './partitioned-run.js';
import { batchBytes } from '@pypeline/verbs';
import { SCHEMA, collect, generateBatches, pick, rowsOf, streamOf } from './testing/generate-batches.js';

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'spill-partition-test-'));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

/** A group-by: one row per key (its first row), as a module would compute it in memory. */
function firstPerGroup(keys: string[]) {
  return (tables: { input: Table }): RecordBatch => {
    const all = concatBatches(tables.input.schema, tables.input.batches);
    return takeRows(all, groupRows(all, keys).firstRow);
  };
}

/** A group-by that also counts rows, as [key..., count]. */
function countPerGroup(keys: string[]) {
  return (tables: { input: Table }): unknown[][] => {
    const all = concatBatches(tables.input.schema, tables.input.batches);
    if (all.numRows === 0) return [];
    const groups = groupRows(all, keys);
    const counts = new Array<number>(groups.count).fill(0);
    for (const g of groups.groupOf) counts[g]++;
    return rowsOf([takeRows(pick(all, keys), groups.firstRow)]).map((r, i) => [...r, counts[i]]);
  };
}

describe('partitionedRun', () => {
  it.each([
    ['an int key', ['k']],
    ['a text key', ['s']],
    ['an int64 key beyond 2^53 and a date', ['big', 'd']],
    ['four keys of every kind', ['b', 'x', 's', 'ts']],
  ])('spilled, groups exactly as in memory (%s)', async (_, keys) => {
    const batches = generateBatches(21, 30, 500, 400);
    const counted: unknown[][] = [];
    const infos: PartitionInfo[] = [];
    const logs: Record<string, unknown>[] = [];
    const run = partitionedRun({
      inputs: { input: { batches: streamOf(batches), schema: SCHEMA, keys } },
      memoryBudget: batchBytes(batches[0]) * 4,
      tempDir: temp,
      partitions: 8,
      logger: { info: (_m, f) => logs.push(f!) },
      process: (tables, info) => {
        infos.push(info);
        counted.push(...countPerGroup(keys)(tables));
        return firstPerGroup(keys)(tables);
      },
    });
    const out = await collect(run);
    const whole = new Table(SCHEMA, batches);
    expect(sorted(counted)).toEqual(sorted(countPerGroup(keys)({ input: whole })));
    expect(out.reduce((n, b) => n + b.numRows, 0)).toBe(counted.length);
    expect(infos.length).toBeGreaterThanOrEqual(8);
    expect(infos.every((i) => i.partition >= 0)).toBe(true);
    expect(logs[0]).toMatchObject({ partitions: 8, depth: 0, rows: 15_000 });
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it('spilled flat columns (gathered across batches in one pass) hold every row exactly as in memory', async () => {
    const flat = ['id', 'k', 'big', 'x', 's', 'b', 'd', 'ts'];
    const batches = generateBatches(23, 30, 500, 400).map((b) => pick(b, flat));
    const schema = batches[0].schema;
    const seen: unknown[][] = [];
    let parts = 0;
    await collect(partitionedRun({
      inputs: { input: { batches: streamOf(batches), schema, keys: ['s'] } },
      memoryBudget: batchBytes(batches[0]) * 4,
      tempDir: temp,
      partitions: 8,
      process: (tables) => {
        parts++;
        seen.push(...rowsOf(tables.input.batches));
        return [];
      },
    }));
    expect(parts).toBeGreaterThanOrEqual(8);
    expect(sorted(seen)).toEqual(sorted(rowsOf(batches)));
  }, 60_000);

  it('splits a partition again when it is still over the budget', async () => {
    const batches = generateBatches(8, 40, 500, 5000);
    const infos: PartitionInfo[] = [];
    const counted: unknown[][] = [];
    await collect(partitionedRun({
      inputs: { input: { batches: streamOf(batches), schema: SCHEMA, keys: ['id'] } },
      memoryBudget: batchBytes(batches[0]) * 2,
      tempDir: temp,
      partitions: 4,
      process: (tables, info) => {
        infos.push(info);
        counted.push(...countPerGroup(['id'])(tables));
        return [];
      },
    }));
    expect(infos.some((i) => i.depth >= 1)).toBe(true);
    expect(counted).toHaveLength(20_000);
    expect(new Set(counted.map((r) => r[0])).size).toBe(20_000);
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it('joins two inputs partition by partition exactly as in memory (int32 keys meet int64 keys)', async () => {
    const left = generateBatches(31, 20, 400, 300).map((b) => pick(b, ['id', 'k', 's']));
    const right = generateBatches(32, 10, 400, 300).map((b) => pick(b, ['id', 'big', 'tags']));
    const join = (tables: { left: Table; right: Table }) => {
      const l = concatBatches(tables.left.schema, tables.left.batches);
      const r = concatBatches(tables.right.schema, tables.right.batches);
      const pairs = hashJoin(l, r, ['k'], ['big'], 'left');
      return rowsOf([takeRows(l, Uint32Array.from(pairs.left))]).map((row, i) => [...row, pairs.right[i] < 0 ? null : r.getChildAt(0)!.get(pairs.right[i])]);
    };
    const rows: unknown[][] = [];
    const infos: PartitionInfo[] = [];
    await collect(partitionedRun({
      inputs: {
        left: { batches: streamOf(left), schema: left[0].schema, keys: ['k'] },
        right: { batches: right, schema: right[0].schema, keys: ['big'] },
      },
      memoryBudget: batchBytes(left[0]) * 3,
      tempDir: temp,
      partitions: 5,
      process: (tables, info) => {
        infos.push(info);
        rows.push(...join(tables));
        return [];
      },
    }));
    expect(infos.every((i) => i.partition >= 0)).toBe(true);
    const whole = join({ left: new Table(left), right: new Table(right) });
    expect(whole.length).toBeGreaterThan(8000);
    expect(sorted(rows)).toEqual(sorted(whole));
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);

  it('calls process once with all the data, without touching the disk, when it fits', async () => {
    const batches = generateBatches(2, 3, 100);
    const infos: PartitionInfo[] = [];
    const out = await collect(partitionedRun({
      inputs: { input: { batches: streamOf(batches), schema: SCHEMA, keys: ['k'] } },
      memoryBudget: 1 << 30,
      tempDir: temp,
      process: (tables, info) => {
        infos.push(info);
        return tables.input;
      },
    }));
    expect(infos).toEqual([{ partition: -1, depth: 0 }]);
    expect(rowsOf(out)).toEqual(rowsOf(batches));
  });

  it('calls process once with empty tables for an empty input', async () => {
    const seen: number[] = [];
    const out = await collect(partitionedRun({
      inputs: { input: { batches: streamOf([]), schema: SCHEMA, keys: ['k'] } },
      memoryBudget: 1,
      tempDir: temp,
      process: (tables) => {
        seen.push(tables.input.numRows);
        return [];
      },
    }));
    expect(out).toEqual([]);
    expect(seen).toEqual([0]);
  });

  it('removes its files when an input fails, when process fails and when aborted', async () => {
    const batches = generateBatches(6, 20, 300);
    const base = { memoryBudget: batchBytes(batches[0]) * 2, tempDir: temp };
    await expect(collect(partitionedRun({ ...base, inputs: { input: { batches: streamOf(batches, 12), schema: SCHEMA, keys: ['k'] } }, process: () => [] }))).rejects.toThrow('the source failed');
    expect(readdirSync(temp)).toEqual([]);

    await expect(collect(partitionedRun({ ...base, inputs: { input: { batches: streamOf(batches), schema: SCHEMA, keys: ['k'] } }, process: (_t, info) => {
      if (info.partition === 3) throw new Error('process failed');
      return [];
    } }))).rejects.toThrow('process failed');
    expect(readdirSync(temp)).toEqual([]);

    const controller = new AbortController();
    await expect(collect(partitionedRun({ ...base, signal: controller.signal, inputs: { input: { batches: streamOf(batches), schema: SCHEMA, keys: ['k'] } }, process: (_t, info) => {
      if (info.partition === 2) controller.abort(new Error('run cancelled'));
      return [];
    } }))).rejects.toThrow('run cancelled');
    expect(readdirSync(temp)).toEqual([]);
  }, 60_000);
});
