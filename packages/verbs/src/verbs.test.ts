import { Bool, DateDay, Dictionary, Float64, Int32, Int64, RecordBatch, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { concatBatches } from './concat-batches.js';
import { distinctRows, groupRows } from './group-rows.js';
import { hashJoin, JoinIndex, resolvePairs } from './hash-join.js';
import { UnknownColumnError } from './key-column.js';
import { parseSortKeys, sortKeyProblem } from './parse-sort-keys.js';
import { sortIndices } from './sort-indices.js';
import { takeOrNull } from './take-or-null.js';

function batch(ids: (number | null)[], names: (string | null)[]): RecordBatch {
  return new Table({
    id: vectorFromArray(ids, new Int32()),
    name: vectorFromArray(names, new Utf8()),
    ok: vectorFromArray(ids.map((i) => (i === null ? null : i % 2 === 0)), new Bool()),
  }).batches[0];
}

const rows = (b: RecordBatch) => new Table([b]).toArray().map((r) => r.toJSON());

describe('concatBatches', () => {
  it('joins batches (sliced ones too) into one, keeping values and nulls', () => {
    const a = batch([1, null, 3], ['a', 'bb', null]).slice(1, 3);
    const b = batch([4, 5], [null, 'ééé']);
    const c = batch([6], ['x']);
    const one = concatBatches(a.schema, [a, b, c]);
    expect(one.numRows).toBe(5);
    expect(rows(one)).toEqual([
      { id: null, name: 'bb', ok: null },
      { id: 3, name: null, ok: false },
      { id: 4, name: null, ok: true },
      { id: 5, name: 'ééé', ok: false },
      { id: 6, name: 'x', ok: true },
    ]);
  });

  it('gives an empty batch with the schema for no batches', () => {
    const schema = batch([1], ['a']).schema;
    const empty = concatBatches(schema, []);
    expect(empty.numRows).toBe(0);
    expect(empty.schema.names).toEqual(['id', 'name', 'ok']);
    expect(empty.getChild('name')!.length).toBe(0);
  });

  it('concatenates dictionary, int64 and date columns', () => {
    const t = (k: string[], n: bigint[]) => new Table({
      k: vectorFromArray(k, new Dictionary(new Utf8(), new Int32())),
      n: vectorFromArray(n, new Int64()),
      d: vectorFromArray(n.map((x) => new Date(Number(x) * 86_400_000)), new DateDay()),
    }).batches[0];
    const one = concatBatches(t(['a'], [1n]).schema, [t(['a', 'b'], [1n, 2n]), t(['c'], [3n])]);
    expect(rows(one).map((r) => [r.k, r.n, r.d])).toEqual([['a', 1n, 86_400_000], ['b', 2n, 172_800_000], ['c', 3n, 259_200_000]]);
  });
});

describe('sortIndices', () => {
  const b = batch([3, 1, null, 2, 1], ['c', 'b', 'z', 'a', 'a']);
  it('sorts stably by several keys with nulls last ascending and first descending', () => {
    expect([...sortIndices(b, [{ column: 'id' }, { column: 'name' }])]).toEqual([4, 1, 3, 0, 2]);
    expect([...sortIndices(b, [{ column: 'id', descending: true }])]).toEqual([2, 0, 3, 1, 4]);
    expect([...sortIndices(b, [{ column: 'id', nulls: 'first' }])]).toEqual([2, 1, 4, 3, 0]);
  });

  it('sorts strings by code point', () => {
    const s = batch([1, 2, 3], ['\u{1F600}', '\uE000', 'Z']);
    expect([...sortIndices(s, [{ column: 'name' }])]).toEqual([2, 1, 0]);
  });

  it('names a missing column and lists the others', () => {
    expect(() => sortIndices(b, [{ column: 'nme' }])).toThrow(UnknownColumnError);
    expect(() => sortIndices(b, [{ column: 'nme' }])).toThrow('sort column "nme" does not exist; the columns are: id, name, ok');
  });
});

describe('groupRows', () => {
  it('numbers groups by first appearance; nulls group together', () => {
    const g = groupRows(batch([1, 2, 1, null, null], ['a', 'b', 'a', 'x', 'y']), ['id']);
    expect([...g.groupOf]).toEqual([0, 1, 0, 2, 2]);
    expect([...g.firstRow]).toEqual([0, 1, 3]);
  });

  it('groups by several keys, null parts included', () => {
    const g = groupRows(batch([1, 1, null, null], ['a', 'a', 'x', 'x']), ['id', 'name']);
    expect([...g.groupOf]).toEqual([0, 0, 1, 1]);
  });

  it('makes one group without keys', () => {
    expect(groupRows(batch([], []), [])).toMatchObject({ count: 1 });
  });
});

describe('distinctRows', () => {
  const rows = batch([1, 2, 1, null, null, 2], ['a', 'b', 'a', 'x', 'y', 'b']);

  it('keeps the first or the last row of each key in input order, nulls equal', () => {
    expect(distinctRows(rows, ['id'], 'first')).toEqual({ kept: Uint32Array.of(0, 1, 3), dropped: Uint32Array.of(2, 4, 5) });
    expect(distinctRows(rows, ['id'], 'last')).toEqual({ kept: Uint32Array.of(2, 4, 5), dropped: Uint32Array.of(0, 1, 3) });
    expect(distinctRows(rows, ['id', 'name'], 'first')).toEqual({ kept: Uint32Array.of(0, 1, 3, 4), dropped: Uint32Array.of(2, 5) });
  });

  it('keeps nothing of no rows', () => {
    expect(distinctRows(batch([], []), ['id'], 'first')).toEqual({ kept: new Uint32Array(0), dropped: new Uint32Array(0) });
  });
});

describe('hashJoin and takeOrNull', () => {
  const left = batch([1, 2, null, 3], ['a', 'b', 'n', 'c']);
  const right = new Table({ rid: vectorFromArray([3, 1, 1, null], new Int32()), score: vectorFromArray([30, 10, 11, 0], new Float64()) }).batches[0];

  it('inner join pairs equal keys; null keys never match', () => {
    const p = hashJoin(left, right, ['id'], ['rid'], 'inner');
    expect([...p.left]).toEqual([0, 0, 3]);
    expect([...p.right]).toEqual([1, 2, 0]);
  });

  it('left join keeps unmatched rows with nulls on the right', () => {
    const p = hashJoin(left, right, ['id'], ['rid'], 'left');
    expect([...p.left]).toEqual([0, 0, 1, 2, 3]);
    expect([...p.right]).toEqual([1, 2, -1, -1, 0]);
    expect(rows(takeOrNull(right, p.right)).map((r) => r.score)).toEqual([10, 11, null, null, 30]);
  });

  it('gives the batch itself for every row in order, and gathers any other order', () => {
    expect(takeOrNull(right, Int32Array.of(0, 1, 2, 3))).toBe(right);
    expect(rows(takeOrNull(right, Int32Array.of(0, 1, 2))).map((r) => r.score)).toEqual([30, 10, 11]);
    expect(rows(takeOrNull(right, Int32Array.of(3, 2, 1, 0))).map((r) => r.score)).toEqual([0, 11, 10, 30]);
  });

  it('gathers no rows from a batch without value buffers', () => {
    const bare = new Table({ id: vectorFromArray([], new Int32()), name: vectorFromArray([], new Utf8()) }).batches[0];
    expect(takeOrNull(bare, new Int32Array(0)).numRows).toBe(0);
  });

  it('gives null rows when the other side is empty', () => {
    const empty = right.slice(0, 0);
    expect(rows(takeOrNull(empty, Int32Array.of(-1, -1)))).toEqual([{ rid: null, score: null }, { rid: null, score: null }]);
  });

  const pairs = (p: { left: Int32Array; right: Int32Array }) => [...p.left].map((l, k) => [l, p.right[k]]);

  it('right and full joins add the unmatched right rows last, in right order', () => {
    expect(pairs(hashJoin(left, right, ['id'], ['rid'], 'right'))).toEqual([[0, 1], [0, 2], [3, 0], [-1, 3]]);
    expect(pairs(hashJoin(left, right, ['id'], ['rid'], 'full'))).toEqual([[0, 1], [0, 2], [1, -1], [2, -1], [3, 0], [-1, 3]]);
  });

  it('semi and anti joins give each left row once; null keys count as unmatched', () => {
    expect([...hashJoin(left, right, ['id'], ['rid'], 'semi').left]).toEqual([0, 3]);
    expect([...hashJoin(left, right, ['id'], ['rid'], 'anti').left]).toEqual([1, 2]);
  });

  it('null-safe keys match null with null', () => {
    expect(pairs(hashJoin(left, right, ['id'], ['rid'], 'inner', { nullSafe: true }))).toEqual([[0, 1], [0, 2], [2, 3], [3, 0]]);
    const two = batch([null, null], [null, 'x']);
    expect(pairs(hashJoin(two, two, ['id', 'name'], ['id', 'name'], 'inner', { nullSafe: true }))).toEqual([[0, 0], [1, 1]]);
    expect(pairs(hashJoin(two, two, ['id', 'name'], ['id', 'name'], 'inner'))).toEqual([]);
  });

  it('without keys pairs every row with every row (cross)', () => {
    expect(pairs(hashJoin(left.slice(0, 2), right.slice(0, 2), [], [], 'cross'))).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
  });

  it('a residual mask decides which candidate pairs count as matches', () => {
    const candidates = new JoinIndex(right, ['rid']).probe(left, ['id']);
    const keep = Uint8Array.of(0, 1, 0);
    expect(pairs(resolvePairs(candidates, keep, 4, 'left'))).toEqual([[0, 2], [1, -1], [2, -1], [3, -1]]);
    expect([...resolvePairs(candidates, keep, 4, 'anti').left]).toEqual([1, 2, 3]);
    const matched = new Uint8Array(4);
    expect(pairs(resolvePairs(candidates, keep, 4, 'right', matched))).toEqual([[0, 2]]);
    expect([...matched]).toEqual([0, 0, 1, 0]);
  });
});

describe('numberColumn on sliced data', () => {
  it('reads the slice\'s own values (Arrow slices value buffers; only the bitmap keeps the offset)', async () => {
    const { numberColumn } = await import('./aggregate/column-readers.js');
    const { Decimal } = await import('apache-arrow');
    const table = new Table({
      i: vectorFromArray([1, null, 3, 4, null, 6], new Int32()),
      l: vectorFromArray([10n, 20n, null, 40n, 50n, 60n], new Int64()),
      f: vectorFromArray([0.5, 1.5, 2.5, null, 4.5, 5.5], new Float64()),
    });
    const slice = table.slice(2, 5);
    const read = (name: 'i' | 'l' | 'f') => {
      const col = numberColumn(slice.getChild(name)!.data[0]);
      return Array.from({ length: 3 }, (_, i) => (col.valid(i) ? col.num(i) : null));
    };
    expect(read('i')).toEqual([3, 4, null]);
    expect(read('l')).toEqual([null, 40, 50]);
    expect(read('f')).toEqual([2.5, null, 4.5]);
    // DECIMAL(10, 2): 1.25, 2.50, 3.75, 5.00 as unscaled 128-bit words; the slice starts at the third.
    const words = new Uint32Array([125, 0, 0, 0, 250, 0, 0, 0, 375, 0, 0, 0, 500, 0, 0, 0]);
    const { makeData } = await import('apache-arrow');
    const dec = makeData({ type: new Decimal(2, 10, 128), length: 4, nullCount: 0, data: words }).slice(2, 2);
    const col = numberColumn(dec);
    expect([col.num(0), col.num(1)]).toEqual([3.75, 5]);
    expect(col.big(1)).toBe(500n);
  });
});

describe('parseSortKeys and sortKeyProblem', () => {
  const schema = new Table({ amount: vectorFromArray([1], new Int32()), day: vectorFromArray([1], new Int32()) }).schema;
  it('reads a column, a direction and a nulls clause, any case, the default nulls for the others', () => {
    expect(parseSortKeys(['amount DESC Nulls First', 'day', 'day asc'], 'last')).toEqual([
      { column: 'amount', descending: true, nulls: 'first' },
      { column: 'day', descending: false, nulls: 'last' },
      { column: 'day', descending: false, nulls: 'last' },
    ]);
  });
  it('names a direction word it does not take, and a column the input lacks', () => {
    expect(sortKeyProblem('amount descending', 'by', schema)).toEqual({ message: 'sort key "amount descending": "descending" is not a direction', hint: expect.stringMatching(/^write "amount desc"; a sort key is/) });
    expect(sortKeyProblem('amont', 'order_by', schema)?.message).toBe('sort key "amont": order_by names column "amont", which the input does not have (did you mean "amount"?)');
    expect(sortKeyProblem('day nulls first', 'by', schema)).toBeUndefined();
  });
});
