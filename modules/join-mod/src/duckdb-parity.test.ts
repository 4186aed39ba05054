import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing, inBatchesOf } from '@pypeline/test-services';
import { takeRows } from '@pypeline/verbs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import joinMod from './index.js';
import type { Config } from './config.js';

// join_mod against DuckDB's SQL on generated data: null keys, duplicate keys on both sides,
// unicode text, and empty sides; every join kind, with and without null-safe keys and a
// residual condition. Compared order-insensitively, as SQL joins promise no order.

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const WORDS = ['ann', 'Ünïcödé', '東京', '😀 smile', '', 'o\'brien', 'zoë'];

interface Side { ids: number[]; keys: (number | null)[]; names: (string | null)[] }

/** A deterministic side of `n` rows: keys 0..range-1 with duplicates, every 5th key null, every 9th name null. */
function side(n: number, seed: number, range = 12): Side {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  const ids = Array.from({ length: n }, (_, i) => i + seed);
  const keys = ids.map((_, i) => (i % 5 === 2 ? null : next() % range));
  const names = ids.map((_, i) => (i % 9 === 4 ? null : WORDS[next() % WORDS.length]));
  return { ids, keys, names };
}

const table = (s: Side, id: string) => new Table({ [id]: vectorFromArray(s.ids, new Int32()), k: vectorFromArray(s.keys, new Int32()), name: vectorFromArray(s.names, new Utf8()) });
const literal = (v: number | string | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`);

const CASES: Record<string, { left: Side; right: Side }> = {
  generated: { left: side(120, 1), right: side(90, 1000) },
  'empty left': { left: side(0, 1), right: side(40, 1000) },
  'empty right': { left: side(40, 1), right: side(0, 1000) },
  'both empty': { left: side(0, 1), right: side(0, 1000) },
};
const KINDS = ['inner', 'left', 'right', 'full', 'semi', 'anti', 'cross'] as const;

let db: DuckDBInstance;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:', { threads: '1' });
});
afterAll(() => db.closeSync());

async function duckdb(sql: string, data: { left: Side; right: Side }): Promise<string[]> {
  const c = await db.connect();
  try {
    for (const [name, s, id] of [['l', data.left, 'id'], ['r', data.right, 'rid']] as const) {
      await c.run(`CREATE OR REPLACE TABLE ${name} (${id} INTEGER, k INTEGER, name VARCHAR)`);
      if (s.ids.length > 0) await c.run(`INSERT INTO ${name} VALUES ${s.ids.map((v, i) => `(${v}, ${literal(s.keys[i])}, ${literal(s.names[i])})`).join(', ')}`);
    }
    return normalise((await c.runAndReadAll(sql)).getRowObjectsJS());
  } finally {
    c.closeSync();
  }
}

function sql(how: (typeof KINDS)[number], nullSafe: boolean, condition: boolean): string {
  const eq = nullSafe ? 'l.k IS NOT DISTINCT FROM r.k' : 'l.k = r.k';
  const on = condition ? `${eq} AND r.rid % 7 > l.id % 5` : eq;
  if (how === 'semi' || how === 'anti') return `SELECT l.id, l.k, l.name FROM l ${how.toUpperCase()} JOIN r ON ${on}`;
  if (how === 'cross') return `SELECT l.id, l.k, l.name, r.rid, r.k AS k_right, r.name AS name_right FROM l JOIN r ON ${condition ? 'r.rid % 7 > l.id % 5' : 'true'}`;
  return `SELECT l.id, COALESCE(l.k, r.k) AS k, l.name, r.rid, r.name AS name_right FROM l ${how.toUpperCase()} JOIN r ON ${on}`;
}

/** Our rows; with a `memoryBudget` each side comes in 50-row batches, so a small budget spills. */
/** `filtered`: the sides whose rows all went through a filter that matched none (0-row batches as filter_mod leaves them). */
async function ours(config: Config, data: { left: Side; right: Side }, memoryBudget?: number, logs?: string[], filtered: ('left' | 'right')[] = []): Promise<string[]> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'j', memoryBudget });
  const input = (t: Table, which: 'left' | 'right') => {
    const batched = memoryBudget === undefined ? t : inBatchesOf(t, 50);
    return new MemoryArtifact(filtered.includes(which) ? filteredToNothing(batched, takeRows) : batched);
  };
  const outputs = (await joinMod.run({ left: input(table(data.left, 'id'), 'left'), right: input(table(data.right, 'rid'), 'right') }, ctx)) as ModuleOutputs;
  const result = await toTable(outputs.output as ModuleOutput);
  logs?.push(...ctx.logs.map((l) => l.msg));
  return normalise(result.toArray().map((r) => r.toJSON() as Record<string, unknown>));
}

const normalise = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))).sort();

describe('join_mod against DuckDB', () => {
  for (const [name, data] of Object.entries(CASES)) {
    for (const how of KINDS) {
      for (const nullSafe of how === 'cross' ? [false] : [false, true]) {
        for (const condition of [false, true]) {
          it(`${name}: ${how}${nullSafe ? ', null-safe' : ''}${condition ? ', with a condition' : ''}`, async () => {
            const config: Config = { on: how === 'cross' ? [] : ['k'], how, null_safe: nullSafe, ...(condition ? { condition: 'rid % 7 > id % 5' } : {}) };
            const expected = await duckdb(sql(how, nullSafe, condition), data);
            const actual = await ours(config, data);
            expect(actual.length).toBe(expected.length);
            expect(actual).toEqual(expected);
          }, 30_000);
        }
      }
    }
  }

  const spilled = { left: side(3000, 7, 400), right: side(2000, 5000, 400) };
  for (const how of KINDS.filter((k) => k !== 'cross')) {
    for (const [nullSafe, condition] of [[false, false], [true, true]]) {
      it(`spilled past a tiny memory budget: ${how}${nullSafe ? ', null-safe' : ''}${condition ? ', with a condition' : ''}`, async () => {
        const config: Config = { on: ['k'], how, null_safe: nullSafe, ...(condition ? { condition: 'rid % 7 > id % 5' } : {}) };
        const logs: string[] = [];
        const actual = await ours(config, spilled, 8192, logs);
        expect(logs).toContain('spilled to disk in partitions');
        expect(actual).toEqual(await duckdb(sql(how, nullSafe, condition), spilled));
      }, 120_000);
    }
  }

  const FILTERED: ('left' | 'right')[][] = [['left'], ['right'], ['left', 'right']];
  for (const sides of FILTERED) {
    for (const budget of [undefined, 8192]) {
      it(`${sides.join(' and ')} filtered to nothing${budget ? ', at a tiny budget' : ''}: every kind`, async () => {
        const data = CASES.generated;
        const none = side(0, 1);
        const seen = { left: sides.includes('left') ? none : data.left, right: sides.includes('right') ? none : data.right };
        for (const how of KINDS) {
          for (const nullSafe of how === 'cross' ? [false] : [false, true]) {
            const config: Config = { on: how === 'cross' ? [] : ['k'], how, null_safe: nullSafe };
            expect(await ours(config, data, budget, undefined, sides), `${how}${nullSafe ? ', null-safe' : ''}`).toEqual(await duckdb(sql(how, nullSafe, false), seen));
          }
        }
      }, 120_000);
    }
  }

  it('the generated case has null keys, duplicates on both sides and rows of every outcome', async () => {
    const data = CASES.generated;
    const counts = await Promise.all(['inner', 'anti', 'right'].map(async (how) => (await ours({ on: ['k'], how: how as Config['how'] }, data)).length));
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(new Set(data.left.keys).size).toBeLessThan(data.left.keys.length / 5);
    expect(data.left.keys).toContain(null);
  });
});
