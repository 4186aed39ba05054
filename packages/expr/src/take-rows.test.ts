import {
  Binary, Bool, DateDay, DateMillisecond, Dictionary, Field, FixedSizeBinary, Float32, Float64, Int16, Int32, Int64, Int8, LargeBinary, LargeUtf8, List, Map_, Null,
  Struct, Table, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond, Uint16, Uint32, Uint64, Uint8, Utf8, Utf8View,
  tableFromIPC, tableToIPC, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { takeRows } from './take-rows.js';

const N = 21;
const at = (i: number) => i % 5 === 3; // where a column is null
const dates = (unitMs: number) => Array.from({ length: N }, (_, i) => (at(i) ? null : new Date(Math.round((Date.UTC(2024, 0, 1) + i * 90061001 - 5e11) / unitMs) * unitMs)));

/** [type, values with nulls] for every type takeRows has a kernel for, plus some that use the fallback. */
const COLUMNS: [string, DataType, unknown[]][] = [
  ['i8', new Int8(), ints((i) => (i * 37) % 256 - 128)],
  ['i16', new Int16(), ints((i) => i * 3001 - 30000)],
  ['i32', new Int32(), ints((i) => i * 100_000_007 - 1e9)],
  ['i64', new Int64(), ints((i) => BigInt(i) * 922337203685477n - 9223372036854775807n)],
  ['u8', new Uint8(), ints((i) => (i * 37) % 256)],
  ['u16', new Uint16(), ints((i) => i * 3001)],
  ['u32', new Uint32(), ints((i) => i * 200_000_003)],
  ['u64', new Uint64(), ints((i) => BigInt(i) * 878_000_000_000_000_007n)],
  ['f32', new Float32(), ints((i) => Math.fround(i / 3))],
  ['f64', new Float64(), ints((i) => i / 7 - 1)],
  ['bool', new Bool(), ints((i) => i % 3 === 0)],
  ['utf8', new Utf8(), ints((i) => ['', 'a', 'Zoë', '😀 smile', 'x'.repeat(40 + i)][i % 5])],
  ['large_utf8', new LargeUtf8(), ints((i) => ['Ærø', '', 'b'.repeat(i)][i % 3])],
  ['binary', new Binary(), ints((i) => Uint8Array.from({ length: i % 4 }, (_, k) => k + i))],
  ['large_binary', new LargeBinary(), ints((i) => Uint8Array.from({ length: i % 3 }, (_, k) => 255 - k - i))],
  ['date_day', new DateDay(), dates(86_400_000)],
  ['date_ms', new DateMillisecond(), dates(86_400_000)],
  ['ts_s', new TimestampSecond(), dates(1000)],
  ['ts_ms', new TimestampMillisecond(), dates(1)],
  ['ts_us', new TimestampMicrosecond(), dates(1)],
  ['ts_ns', new TimestampNanosecond(), dates(1)],
  ['dict', new Dictionary(new Utf8(), new Int32()), ints((i) => ['alpha', 'béta', 'gamma'][i % 3])],
  ['fixed', new FixedSizeBinary(3), ints((i) => Uint8Array.of(i, i + 1, i + 2))],
  // Generic fallback through Arrow's builders:
  ['view', new Utf8View(), ints((i) => (i % 2 ? `short ${i}` : `a string longer than twelve bytes ${i}`))],
  ['list', new List(new Field('item', new Int32(), true)), ints((i) => Array.from({ length: i % 3 }, (_, k) => i * 10 + k))],
  ['struct', new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]), ints((i) => ({ a: i, b: `s${i}` }))],
  ['map', new Map_<Utf8, Int32>(new Field('entries', new Struct<{ key: Utf8; value: Int32 }>([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]))), ints((i) => new Map([[`k${i}`, i]]))],
  ['null', new Null(), Array.from({ length: N }, () => null)],
];

function ints<T>(f: (i: number) => T): (T | null)[] {
  return Array.from({ length: N }, (_, i) => (at(i) ? null : f(i)));
}

function table(): Table {
  return new Table(Object.fromEntries(COLUMNS.map(([name, type, values]) => [name, vectorFromArray(values, type)])));
}

/** Comparable form of a cell: Arrow returns typed arrays, rows and vectors for some types. */
function plain(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as Uint8Array);
  if (typeof (v as Vector).toArray === 'function' && 'data' in (v as object)) return Array.from((v as Vector).toArray() as ArrayLike<unknown>);
  return JSON.parse(JSON.stringify(v));
}

function expectTaken(source: Table, indices: number[]) {
  const batch = source.batches[0];
  const taken = takeRows(batch, Uint32Array.from(indices));
  expect(taken.numRows).toBe(indices.length);
  // A round trip through IPC proves the buffers are well formed, not just readable by get().
  for (const result of [new Table(taken), tableFromIPC(tableToIPC(new Table(taken)))]) {
    for (const [name] of COLUMNS) {
      const from = source.getChild(name)!;
      const to = result.getChild(name)!;
      const expected = indices.map((i) => plain(from.get(i)));
      expect(Array.from({ length: indices.length }, (_, j) => plain(to.get(j))), name).toEqual(expected);
      expect(to.nullCount, `${name} nullCount`).toBe(expected.filter((v) => v === null).length);
    }
  }
}

describe('takeRows', () => {
  it('gathers every column type, nulls included', () => {
    expectTaken(table(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expectTaken(table(), [20, 3, 3, 0, 8, 13, 7]);
  });

  it('reads batches with non-zero offsets', () => {
    const sliced = table().slice(3, 19);
    expect(sliced.batches[0].data.children[0].offset).toBe(3);
    expectTaken(sliced, [0, 1, 5, 9, 15, 2]);
  });

  it('returns an empty batch for no indices', () => {
    const taken = takeRows(table().batches[0], new Uint32Array(0));
    expect(taken.numRows).toBe(0);
    expect(taken.schema.fields.map((f) => f.name)).toEqual(COLUMNS.map(([name]) => name));
  });

  it('keeps the dictionary and drops the bitmap when no nulls remain', () => {
    const t = table();
    const taken = takeRows(t.batches[0], Uint32Array.of(0, 1, 2));
    expect(taken.getChild('dict')!.data[0].dictionary).toBe(t.getChild('dict')!.data[0].dictionary);
    expect(taken.getChild('i32')!.nullCount).toBe(0);
  });
});
