import { Bool, Decimal, Field, Float32, Float64, Int32, Int64, Int8, RecordBatch, Schema, Struct, Table, Uint32, Utf8, makeData, makeVector, vectorFromArray, type Data } from 'apache-arrow';
import { parseAggregates, type AggregateSpec } from '@pypeline/expr';
import { seededRandom } from '@pypeline/sdk';
import { describe, expect, it } from 'vitest';
import { batchBytes } from '../batch-bytes.js';
import { concatBatches } from '../concat-batches.js';
import { groupRows } from '../group-rows.js';
import { AggregateError } from './aggregate-error.js';
import { aggregateGroups } from './aggregate-groups.js';
import { foldsByGroup, HashAggregate } from './hash-aggregate.js';

// The hash aggregate folds batch by batch what aggregateGroups computes over a whole table: the
// same groups in the same order (first appearance) with the same values and types, on data that
// tries to break it: null keys in one and two columns, every row null in a group, NaN, ±Infinity
// and -0, int64 beyond 2^53, decimals, sums that pass 2^52 within a group, one-row batches
// and a zero-row batch. Partial states merged (the spilled path) give the same groups.

const WORDS = ['a', 'b', 'Zürich', '東京', '', '🙂'];

function decimalData(values: (bigint | null)[], scale: number): Data {
  const words = new Uint32Array(values.length * 4);
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nulls = 0;
  values.forEach((v, i) => {
    if (v === null) return void nulls++;
    bitmap[i >> 3] |= 1 << (i & 7);
    let u = BigInt.asUintN(128, v);
    for (let w = 0; w < 4; w++, u >>= 32n) words[i * 4 + w] = Number(u & 0xffffffffn);
  });
  return makeData({ type: new Decimal(scale, 10, 128), length: values.length, nullCount: nulls, nullBitmap: bitmap, data: words });
}

function table(n: number, seed: number): Table {
  const rnd = seededRandom(seed);
  const pick = <T>(p: number, f: () => T): T | null => (rnd() < p ? null : f());
  const k = Array.from({ length: n }, () => pick(0.05, () => WORDS[Math.floor(rnd() * WORDS.length)]));
  const j = Array.from({ length: n }, () => pick(0.05, () => Math.floor(rnd() * 7)));
  const i8 = Array.from({ length: n }, () => pick(0.2, () => Math.floor(rnd() * 256) - 128));
  const u32 = Array.from({ length: n }, () => pick(0.2, () => Math.floor(rnd() * 2 ** 32)));
  const i64 = Array.from({ length: n }, () => pick(0.2, () => (rnd() < 0.02 ? (rnd() < 0.5 ? -1n : 1n) * (2n ** 55n - BigInt(Math.floor(rnd() * 1e6))) : BigInt(Math.floor(rnd() * 2 ** 53) - 2 ** 52))));
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0];
  const f64 = Array.from({ length: n }, () => pick(0.2, () => (rnd() < 0.01 ? specials[Math.floor(rnd() * specials.length)] : (rnd() - 0.5) * 1e6)));
  const f32 = Array.from({ length: n }, () => pick(0.2, () => Math.fround((rnd() - 0.5) * 100)));
  const dec = Array.from({ length: n }, () => pick(0.2, () => BigInt(Math.floor((rnd() - 0.5) * 2e9))));
  const b = Array.from({ length: n }, () => pick(0.2, () => rnd() < 0.7));
  // Every value of `nul` is null in every group: its sums, averages and extremes are null.
  const columns = {
    k: vectorFromArray(k, new Utf8()), j: vectorFromArray(j, new Int32()), i8: vectorFromArray(i8, new Int8()), u32: vectorFromArray(u32, new Uint32()),
    i64: vectorFromArray(i64, new Int64()), f64: vectorFromArray(f64, new Float64()), f32: vectorFromArray(f32, new Float32()),
    b: vectorFromArray(b, new Bool()), nul: vectorFromArray(new Array<number | null>(n).fill(null), new Float64()),
  };
  const batch = new Table(columns).batches[0];
  const decimal = decimalData(dec, 2);
  const fields = [...batch.schema.fields, new Field('dec', decimal.type, true)];
  const data = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [...batch.data.children, decimal] });
  return new Table([new RecordBatch(new Schema(fields), data)]);
}

/** The table cut into batches of varied sizes: one row, a zero-row slice, odd sizes. */
function batchesOf(t: Table, seed: number): RecordBatch[] {
  const rnd = seededRandom(seed);
  const all = concatBatches(t.schema, t.batches);
  const out: RecordBatch[] = [all.slice(0, 1), all.slice(1, 1)];
  for (let at = 1; at < all.numRows;) {
    const size = 1 + Math.floor(rnd() * 700);
    out.push(all.slice(at, at + size));
    at += size;
  }
  return out;
}

const AGGREGATES = {
  n: 'count(*)', ck: 'count(k)', cf: 'count(f64)', ci: 'count_if(i8 > 0)', cin: 'count_if(nul > 0)',
  s8: 'sum(i8)', s32: 'sum(u32)', s64: 'sum(i64)', sf: 'sum(f64)', sf32: 'sum(f32)', sd: 'sum(dec)', sn: 'sum(nul)',
  a8: 'avg(i8)', a64: 'avg(i64)', af: 'avg(f64)', ad: 'avg(dec)', an: 'avg(nul)',
  mn8: 'min(i8)', mx8: 'max(i8)', mnu: 'min(u32)', mxu: 'max(u32)', mnf: 'min(f64)', mxf: 'max(f64)', mn32: 'min(f32)', mxn: 'max(nul)',
  v: 'variance(f64)', vp: 'var_pop(i8)', sdv: 'stddev(f32)', sdp: 'stddev_pop(u32)', vs: 'var_samp(dec)',
  ba: 'bool_and(b)', bo: 'bool_or(b)',
};

function specs(): AggregateSpec[] {
  const { specs, problems } = parseAggregates(AGGREGATES);
  expect(problems).toEqual([]);
  return specs;
}

/** The whole table's groups and values through aggregateGroups (the row kernels). */
function expected(t: Table, keys: string[]): { keys: unknown[][]; columns: Data[] } {
  const all = concatBatches(t.schema, t.batches);
  const groups = groupRows(all, keys);
  const keyRows = Array.from(groups.firstRow.subarray(0, groups.count), (r) => keys.map((k) => all.getChild(k)!.get(r)));
  return { keys: keys.length ? keyRows : [[]], columns: specs().map((s) => aggregateGroups(all, groups, s)) };
}

const valuesOf = (d: Data) => {
  const v = makeVector(d);
  return Array.from({ length: d.length }, (_, i) => v.get(i));
};

function keyRowsOf(batch: RecordBatch, keys: string[]): unknown[][] {
  return Array.from({ length: batch.numRows }, (_, r) => keys.map((k) => batch.getChild(k)!.get(r)));
}

describe('HashAggregate', () => {
  it('folds every aggregate it can batch by batch to the same groups, order, types and values as the row kernels', () => {
    for (const keys of [['k'], ['k', 'j'], ['j'], []]) {
      const t = table(6_000, 11);
      const want = expected(t, keys);
      const hash = new HashAggregate(t.schema, keys, specs());
      for (const b of batchesOf(t, 3)) hash.add(b);
      const got = hash.result();
      expect(got.count, `groups by [${keys}]`).toBe(want.keys.length);
      if (keys.length) expect(keyRowsOf(got.keys, keys)).toEqual(want.keys);
      specs().forEach((s, i) => {
        const where = `${s.name} = ${AGGREGATES[s.name as keyof typeof AGGREGATES]} by [${keys}]`;
        expect(String(got.columns[i].type), where).toBe(String(want.columns[i].type));
        expect(got.columns[i].nullCount, where).toBe(want.columns[i].nullCount);
        expect(valuesOf(got.columns[i]), where).toEqual(valuesOf(want.columns[i]));
      });
    }
  });

  it('merges partial states from several tables (the spilled path) into the same groups and values', () => {
    const t = table(6_000, 5);
    const keys = ['k', 'j'];
    const want = expected(t, keys);
    const batches = batchesOf(t, 9);
    // Three tables over interleaved batches, their partial states merged in another order.
    const tables = [0, 1, 2].map(() => new HashAggregate(t.schema, keys, specs()));
    batches.forEach((b, i) => tables[i % 3].add(b));
    const merging = HashAggregate.merging(t.schema, keys, specs());
    for (const p of [tables[2], tables[0], tables[1]].map((h) => h.partial())) merging.add(p);
    const got = merging.result();
    expect(got.count).toBe(want.keys.length);
    const index = new Map(keyRowsOf(got.keys, keys).map((k, g) => [JSON.stringify(k), g]));
    specs().forEach((s, i) => {
      const ours = valuesOf(got.columns[i]);
      const theirs = valuesOf(want.columns[i]);
      expect(String(got.columns[i].type)).toBe(String(want.columns[i].type));
      want.keys.forEach((k, g) => {
        const a = ours[index.get(JSON.stringify(k))!];
        const b = theirs[g];
        const where = `${s.name} of group ${JSON.stringify(k)}`;
        // Floats merged from partial sums round differently (within 1e-9); a NaN in a min/max
        // keeps its place in a table's order, which merging changes.
        if (typeof a === 'number' && typeof b === 'number' && Number.isFinite(b)) expect(Math.abs(a - b), where).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
        else if (s.name === 'mnf' || s.name === 'mxf') expect(Number.isNaN(a as number) || Number.isNaN(b as number) || a === b, where).toBe(true);
        else expect(a, where).toEqual(b);
      });
    });
  });

  it('keeps a group for no rows when there are no keys, and no groups with keys', () => {
    const t = table(0, 1);
    const global = new HashAggregate(t.schema, [], specs());
    global.add(t.batches[0]);
    const r = global.result();
    expect(r.count).toBe(1);
    expect(valuesOf(r.columns[0])).toEqual([0n]);
    expect(valuesOf(r.columns[5])).toEqual([null]);
    const keyed = new HashAggregate(t.schema, ['k'], specs()).result();
    expect(keyed.count).toBe(0);
    expect(keyed.keys.numRows).toBe(0);
  });

  it('counts the memory of its groups, not of its rows', () => {
    const t = table(20_000, 2);
    const hash = new HashAggregate(t.schema, ['j'], specs());
    const before = hash.bytes;
    for (const b of batchesOf(t, 4)) hash.add(b);
    // 8 groups (7 values and null): the bytes grow by the groups' states (room for 64 groups of
    // 32 aggregates' states, 30 KB) and the dictionary's scratch space for one batch (at most 700
    // rows here), not by the 20,000 rows (about 1 MB).
    expect(hash.groups).toBe(8);
    expect(hash.bytes - before).toBeLessThan(64 * 1024);
    expect(batchBytes(concatBatches(t.schema, t.batches))).toBeGreaterThan(1_000_000);
    const many = new HashAggregate(t.schema, ['k', 'j', 'i8'], specs());
    for (const b of batchesOf(t, 4)) many.add(b);
    expect(many.bytes).toBeGreaterThan(many.groups * 100);
  });

  it('says which aggregates fold by group', () => {
    const schema = table(1, 1).schema;
    const parse = (text: string) => parseAggregates({ x: text }).specs[0];
    for (const text of Object.values(AGGREGATES)) expect(foldsByGroup(parse(text), schema), text).toBe(true);
    for (const text of ['median(f64)', 'min(k)', 'max(i64)', 'first(i8)', 'count(distinct k)', 'sum(distinct i8)', 'list(k)', 'mode(j)', 'sum(missing)']) expect(foldsByGroup(parse(text), schema), text).toBe(false);
  });

  it('names the aggregate whose integer sum overflows, as the row kernel does', () => {
    const t = new Table({ k: vectorFromArray(['a', 'a', 'b']), v: vectorFromArray([2n ** 62n, 2n ** 62n, 1n], new Int64()) });
    const hash = new HashAggregate(t.schema, ['k'], parseAggregates({ total: 'sum(v)' }).specs);
    for (const b of t.batches) hash.add(b);
    expect(() => hash.result()).toThrow(AggregateError);
    expect(() => hash.result()).toThrow(/aggregates\.total: sum\(v\) overflows Int64 in group 1/);
  });
});
