import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, toTable, type ModuleOutput, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { filteredToNothing, inBatchesOf } from '@pypeline/test-services';
import { takeRows } from '@pypeline/verbs';
import { describe, expect, it } from 'vitest';
import distinctMod from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const WORDS = ['äpfel', 'Zürich', '東京', '🙂', '', null];

function generate(n: number) {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const id: number[] = []; const k: (number | null)[] = []; const s: (string | null)[] = []; const v: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    id.push(i);
    k.push(rnd() < 0.05 ? null : Math.floor(rnd() * 30) - 5);
    s.push(WORDS[Math.floor(rnd() * WORDS.length)]);
    v.push(rnd() < 0.1 ? null : Math.floor(rnd() * 3) / 2);
  }
  return { id, k, s, v };
}

async function dedup(config: Config, table: Table, memoryBudget?: number) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'dedup', memoryBudget });
  const tempDirs: string[] = [];
  const tempDir = ctx.tempDir;
  const out = (await distinctMod.run({ input: new MemoryArtifact(table) }, { ...ctx, tempDir: () => tempDirs[tempDirs.push(tempDir()) - 1] })) as ModuleOutputs;
  const rows = async (t: ModuleOutput) => (await toTable(t)).toArray().map((r) => r.toJSON() as Record<string, unknown>);
  return { output: await rows(out.output), duplicates: await rows(out.duplicates), ctx, tempDirs };
}

/** Files left under the folders a run's ctx.tempDir() gave. */
const filesIn = (dirs: string[]) => dirs.flatMap((d) => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name));

async function duckdb(sql: string, data: ReturnType<typeof generate>): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  try {
    await c.run('CREATE TABLE t (id INTEGER, k INTEGER, s VARCHAR, v DOUBLE)');
    const lit = (x: unknown) => (x === null ? 'NULL' : typeof x === 'string' ? `'${x}'` : String(x));
    if (data.id.length > 0) await c.run(`INSERT INTO t VALUES ${data.id.map((_, i) => `(${[data.id[i], data.k[i], data.s[i], data.v[i]].map(lit).join(', ')})`).join(', ')}`);
    return (await c.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const table = (d: ReturnType<typeof generate>, withId = true) => new Table({
  ...(withId ? { id: vectorFromArray(d.id, new Int32()) } : {}),
  k: vectorFromArray(d.k, new Int32()), s: vectorFromArray(d.s, new Utf8()), v: vectorFromArray(d.v, new Float64()),
});
const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('distinct_mod', () => {
  it('agrees with SELECT DISTINCT over whole rows (nulls equal, unicode), the rest on duplicates', async () => {
    const d = generate(3000);
    const { output, duplicates, ctx } = await dedup({}, table(d, false));
    expect(sorted(output)).toEqual(sorted(await duckdb('SELECT DISTINCT k, s, v FROM t', d)));
    expect(output.length + duplicates.length).toBe(3000);
    expect(ctx.globals.get('unique_count')).toBe(output.length);
  }, 120_000);

  it('agrees with DISTINCT ON (keys) ORDER BY input order for keep first, and keeps the last row with keep last', async () => {
    const d = generate(3000);
    const first = await dedup({ keys: ['k', 's'] }, table(d));
    expect(first.output).toEqual(await duckdb('SELECT DISTINCT ON (k, s) * FROM t ORDER BY k, s, id', d).then((r) => r.sort((a, b) => Number(a.id) - Number(b.id))));
    const last = await dedup({ keys: ['k', 's'], keep: 'last' }, table(d));
    expect(last.output).toEqual(await duckdb('SELECT DISTINCT ON (k, s) * FROM t ORDER BY k, s, id DESC', d).then((r) => r.sort((a, b) => Number(a.id) - Number(b.id))));
    expect([...first.output, ...first.duplicates].map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual(d.id);
  }, 120_000);

  it('spills past a tiny memory budget and keeps the same rows as in memory and as DuckDB, removing its files', async () => {
    const d = generate(6000);
    const input = new Table(table(d).batches.flatMap((b) => Array.from({ length: 12 }, (_, i) => b.slice(i * 500, (i + 1) * 500))));
    for (const keep of ['first', 'last'] as const) {
      const inMemory = await dedup({ keys: ['k', 's'], keep }, input);
      const spilled = await dedup({ keys: ['k', 's'], keep }, input, 4096);
      expect(spilled.ctx.logs.some((l) => l.msg === 'spilled to disk in partitions')).toBe(true);
      expect(inMemory.ctx.logs.some((l) => l.msg === 'spilled to disk in partitions')).toBe(false);
      expect(sorted(spilled.output)).toEqual(sorted(inMemory.output));
      expect(sorted(spilled.duplicates)).toEqual(sorted(inMemory.duplicates));
      const order = keep === 'first' ? 'id' : 'id DESC';
      expect(sorted(spilled.output)).toEqual(sorted(await duckdb(`SELECT DISTINCT ON (k, s) * FROM t ORDER BY k, s, ${order}`, d)));
      expect(spilled.ctx.globals.get('unique_count')).toBe(spilled.output.length);
      expect(spilled.ctx.globals.get('duplicate_count')).toBe(6000 - spilled.output.length);
      expect(spilled.tempDirs.length).toBeGreaterThan(0);
      expect(filesIn(spilled.tempDirs)).toEqual([]);
    }
    const whole = await dedup({}, new Table(input.batches.map((b) => b.selectAt([1, 2, 3]))), 4096);
    expect(sorted(whole.output)).toEqual(sorted(await duckdb('SELECT DISTINCT k, s, v FROM t', d)));
  }, 180_000);

  it('keeps the first rows in one pass, in input order, its outputs spilled to files when they outgrow the budget', async () => {
    const d = generate(20_000);
    const input = inBatchesOf(table(d), 500);
    const inMemory = await dedup({ keys: ['k', 's'] }, input);
    // 256 KiB: the keys met fit, the two outputs (about 600 KB) do not.
    const held = await dedup({ keys: ['k', 's'] }, input, 256 * 1024);
    const messages = held.ctx.logs.map((l) => l.msg);
    expect(messages).not.toContain('spilled to disk in partitions');
    expect(messages).not.toContain('the distinct keys outgrew the memory budget; the rest is deduplicated by partition');
    expect(held.ctx.logs.find((l) => l.msg === 'deduplicated')?.fields).toMatchObject({ spilled: true, unique: inMemory.output.length });
    expect(held.output).toEqual(inMemory.output);
    expect(held.duplicates).toEqual(inMemory.duplicates);
    expect(held.output).toEqual(await duckdb('SELECT DISTINCT ON (k, s) * FROM t ORDER BY k, s, id', d).then((r) => r.sort((a, b) => Number(a.id) - Number(b.id))));
    expect(held.duplicates.map((r) => r.id)).toEqual([...held.duplicates.map((r) => r.id)].sort((a, b) => Number(a) - Number(b)));
    expect(held.tempDirs.length).toBeGreaterThan(0);
    expect(filesIn(held.tempDirs)).toEqual([]);
  }, 120_000);

  it('switches to partitions when the keys themselves outgrow the budget, and keeps the same first rows', async () => {
    const d = generate(20_000);
    const input = inBatchesOf(table(d), 500);
    // Every id is a new key: the keys met grow with the rows and pass 256 KiB part way.
    const inMemory = await dedup({ keys: ['id', 'k'] }, input);
    const switched = await dedup({ keys: ['id', 'k'] }, input, 256 * 1024);
    expect(switched.ctx.logs.map((l) => l.msg)).toContain('the distinct keys outgrew the memory budget; the rest is deduplicated by partition');
    expect(sorted(switched.output)).toEqual(sorted(inMemory.output));
    expect(switched.output).toHaveLength(20_000);
    const byKey = await dedup({ keys: ['k', 's', 'v'] }, input, 64 * 1024);
    expect(sorted(byKey.output)).toEqual(sorted(await duckdb('SELECT DISTINCT ON (k, s, v) * FROM t ORDER BY k, s, v, id', d)));
    expect(sorted(byKey.duplicates)).toEqual(sorted((await dedup({ keys: ['k', 's', 'v'] }, input)).duplicates));
    expect(filesIn([...switched.tempDirs, ...byKey.tempDirs])).toEqual([]);
  }, 120_000);

  it('keeps nothing of an input filtered to nothing (0-row batches as filter_mod leaves them), in memory and at a tiny budget, as DuckDB', async () => {
    const d = generate(2000);
    expect(await duckdb('SELECT DISTINCT k, s FROM t WHERE false', d)).toEqual([]);
    for (const budget of [undefined, 4096]) {
      for (const config of [{}, { keys: ['k', 's'] }, { keys: ['s'], keep: 'last' }] satisfies Config[]) {
        const out = await dedup(config, filteredToNothing(inBatchesOf(table(d), 500), takeRows), budget);
        expect([out.output, out.duplicates]).toEqual([[], []]);
        expect(out.ctx.globals.get('unique_count')).toBe(0);
      }
    }
  }, 120_000);

  it('passes an empty input through and reports every unknown key at once', async () => {
    const empty = await dedup({ keys: ['k'] }, table(generate(0)));
    expect([empty.output, empty.duplicates]).toEqual([[], []]);
    const error = await dedup({ keys: ['kk', 'z'] }, table(generate(3))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe('distinct_mod (dedup): keys.0: keys names column "kk", which the input does not have (did you mean "k"?); keys.1: keys names column "z", which the input does not have (did you mean "k"?)');
  });
});
