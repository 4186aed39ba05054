// The typed-array key codes against the reference they replaced: JS key values (`keyColumn`,
// `rowKey`) in a Map. Groups and join pairs must come out identical, on every key type.
import { Bool, DateDay, Dictionary, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, makeVector, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { parseAggregates } from '@pypeline/expr';
import { seededRandom } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import { HashAggregate } from './aggregate/hash-aggregate.js';
import { concatBatches } from './concat-batches.js';
import { groupRows } from './group-rows.js';
import { JoinIndex } from './hash-join.js';
import { keyColumn, rowKey } from './key-column.js';

const WORDS = ['a', 'b', 'é', 'ß', '日本', '', 'a ', 'A', '🙂', 'bb'];
const BIG = [2n ** 53n + 1n, -(2n ** 60n), 2n ** 62n];

function generate(seed: number, n: number): RecordBatch {
  const rand = seededRandom(seed);
  const maybe = <T>(v: () => T): T | null => (rand() < 0.08 ? null : v());
  const int = () => Math.floor(rand() * 12) - 4;
  return new Table({
    i: vectorFromArray(Array.from({ length: n }, () => maybe(int)), new Int32()),
    big: vectorFromArray(Array.from({ length: n }, () => maybe(() => (rand() < 0.1 ? BIG[Math.floor(rand() * BIG.length)] : BigInt(int())))), new Int64()),
    f: vectorFromArray(Array.from({ length: n }, () => maybe(() => [0, -0, NaN, 1.5, 2, -4, 1e300][Math.floor(rand() * 7)])), new Float64()),
    s: vectorFromArray(Array.from({ length: n }, () => maybe(() => WORDS[Math.floor(rand() * WORDS.length)])), new Utf8()),
    d: vectorFromArray(Array.from({ length: n }, () => maybe(() => WORDS[Math.floor(rand() * 4)])), new Dictionary(new Utf8(), new Int32())),
    day: vectorFromArray(Array.from({ length: n }, () => maybe(() => new Date(Date.UTC(2024, 0, 1 + int())))), new DateDay()),
    ts: vectorFromArray(Array.from({ length: n }, () => maybe(() => Date.UTC(2024, 0, 1 + int()))), new TimestampMillisecond()),
    b: vectorFromArray(Array.from({ length: n }, () => maybe(() => rand() < 0.5)), new Bool()),
  }).batches[0];
}

/** The previous groupRows: rowKey in a Map, null parts spelled out (tagged: it used JSON, where NaN reads as null). */
function referenceGroups(batch: RecordBatch, keys: string[]): number[] {
  const columns = keys.map((k) => keyColumn(batch, k));
  const ids = new Map<unknown, number>();
  return Array.from({ length: batch.numRows }, (_, i) => {
    let key: unknown = rowKey(columns, i);
    if (key === null && columns.length > 1) key = `nulls:${columns.map((c) => ((v) => (v === null ? 'null' : `${typeof v}:${String(v)}`))(c.get(i))).join('|')}`;
    if (!ids.has(key)) ids.set(key, ids.size);
    return ids.get(key)!;
  });
}

/** The previous JoinIndex: right rows per rowKey in a Map, probed in left order. */
function referencePairs(left: RecordBatch, right: RecordBatch, lk: string[], rk: string[], nullSafe: boolean): [number, number][] {
  const rc = rk.map((k) => keyColumn(right, k));
  const table = new Map<unknown, number[]>();
  for (let j = 0; j < right.numRows; j++) {
    const key = rowKey(rc, j, nullSafe);
    if (key === null) continue;
    const rows = table.get(key);
    if (rows) rows.push(j);
    else table.set(key, [j]);
  }
  const lc = lk.map((k) => keyColumn(left, k));
  const pairs: [number, number][] = [];
  for (let i = 0; i < left.numRows; i++) {
    const key = rowKey(lc, i, nullSafe);
    for (const j of key === null ? [] : (table.get(key) ?? [])) pairs.push([i, j]);
  }
  return pairs;
}

const KEY_SETS = [['i'], ['big'], ['f'], ['s'], ['d'], ['day'], ['ts'], ['b'], ['s', 'i'], ['d', 'day', 'b'], ['big', 'f', 's', 'ts']];

describe('groupRows on key codes', () => {
  it.each(KEY_SETS)('groups exactly as JS key values do (%s …)', (...keys) => {
    const batch = generate(7, 3000);
    const groups = groupRows(batch, keys);
    const reference = referenceGroups(batch, keys);
    expect(Array.from(groups.groupOf)).toEqual(reference);
    expect(groups.count).toBe(new Set(reference).size);
    expect(Array.from(groups.firstRow)).toEqual(Array.from(groups.firstRow, (_, g) => reference.indexOf(g)));
  }, 60_000);

  it('codes dense integer ranges by direct indexing, and values outside the first range by hashing, alike', () => {
    const ids = (from: number, n: number) => new Table({ id: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : BigInt(from + (i % 50)))), new Int64()) }).batches[0];
    const right = new Table([ids(100, 400)]).batches[0];
    const index = new JoinIndex(right, ['id'], { nullSafe: true });
    for (const left of [ids(120, 300), ids(-20, 300), ids(2 ** 40, 60)]) {
      const pairs = index.probe(left, ['id']);
      expect(Array.from(pairs.left, (l, k) => [l, pairs.right[k]])).toEqual(referencePairs(left, right, ['id'], ['id'], true));
    }
    const mixed = new Table({ x: vectorFromArray([5, 6, 5.5, -0, 0, 1e9, 6, null, 5.5, NaN, NaN], new Float64()) }).batches[0];
    expect(Array.from(groupRows(mixed, ['x']).groupOf)).toEqual(referenceGroups(mixed, ['x']));
  }, 60_000);

  it('pairs codes by hashing where direct indexing does not reach: too many combinations, and codes past the first batch', () => {
    const rand = seededRandom(3);
    const pairs = (n: number, as: number, bs: number) =>
      new Table({
        a: vectorFromArray(Array.from({ length: n }, () => (rand() < 0.02 ? null : Math.floor(rand() * as))), new Int32()),
        b: vectorFromArray(Array.from({ length: n }, () => `w${Math.floor(rand() * bs)}`), new Utf8()),
      }).batches[0];
    // 3,000 × 2,000 combinations for 20,000 rows: hashed from the start, through many rehashes.
    const wide = pairs(20_000, 3_000, 2_000);
    const groups = groupRows(wide, ['a', 'b']);
    expect(groups.count).toBeGreaterThan(15_000);
    expect(Array.from(groups.groupOf)).toEqual(referenceGroups(wide, ['a', 'b']));
    // A first batch of few combinations (direct), then batches whose codes pass its range (hashed).
    const batches = [pairs(500, 5, 5), pairs(5_000, 400, 300), pairs(5_000, 5, 5), pairs(5_000, 4_000, 50)];
    const all = new Table(batches);
    const hash = new HashAggregate(all.schema, ['a', 'b'], parseAggregates({ n: 'count(*)' }).specs);
    for (const batch of batches) hash.add(batch);
    const reference = referenceGroups(concatBatches(all.schema, batches), ['a', 'b']);
    const { keys, columns, count } = hash.result();
    expect(count).toBe(new Set(reference).size);
    const firsts = Array.from({ length: count }, (_, g) => reference.indexOf(g));
    const whole = concatBatches(all.schema, batches);
    expect(Array.from({ length: count }, (_, g) => [keys.getChild('a')!.get(g), keys.getChild('b')!.get(g)])).toEqual(firsts.map((r) => [whole.getChild('a')!.get(r), whole.getChild('b')!.get(r)]));
    const n = makeVector(columns[0]);
    expect(Array.from({ length: count }, (_, g) => Number(n.get(g)))).toEqual(Array.from({ length: count }, (_, g) => reference.filter((x) => x === g).length));
  }, 60_000);

  it('groups a slice of a batch by its own rows', () => {
    const batch = generate(8, 500).slice(37, 400);
    expect(Array.from(groupRows(batch, ['s', 'big']).groupOf)).toEqual(referenceGroups(batch, ['s', 'big']));
  });
});

describe('JoinIndex on key codes', () => {
  const right = generate(11, 800);
  const left = generate(12, 1500);
  it.each([false, true])('pairs exactly as JS key values do, null-safe %s', (nullSafe) => {
    for (const keys of KEY_SETS) {
      const index = new JoinIndex(right, keys, { nullSafe });
      const pairs = index.probe(left, keys);
      expect(Array.from(pairs.left, (l, k) => [l, pairs.right[k]]), keys.join(',')).toEqual(referencePairs(left, right, keys, keys, nullSafe));
    }
  }, 180_000);

  it('matches keys of different types of one kind (int32 with int64, a date with a timestamp, text with dictionary text)', () => {
    for (const [lk, rk] of [[['i'], ['big']], [['big'], ['f']], [['day'], ['ts']], [['s'], ['d']], [['d', 'i'], ['s', 'f']]]) {
      const pairs = new JoinIndex(right, rk).probe(left, lk);
      const expected = referencePairs(left, right, lk, rk, false);
      expect(expected.length, `${lk} = ${rk}`).toBeGreaterThan(0);
      expect(Array.from(pairs.left, (l, k) => [l, pairs.right[k]]), `${lk} = ${rk}`).toEqual(expected);
    }
  }, 180_000);
});
