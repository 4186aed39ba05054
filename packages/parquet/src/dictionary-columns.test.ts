import { Float64, Int32, Utf8, makeVector, tableFromArrays, vectorFromArray, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { nearlyUniqueColumns } from './dictionary-columns.js';
import { decodeParquet } from './read-parquet-file.js';
import { encodeParquet } from './encode-parquet.js';

const ROWS = 20_000;

function table(): Table {
  return new Table({
    id: makeVector(Int32Array.from({ length: ROWS }, (_, i) => i)),
    age: makeVector(Int32Array.from({ length: ROWS }, (_, i) => i % 90)),
    amount: vectorFromArray(Array.from({ length: ROWS }, (_, i) => i * 1.25), new Float64()),
    name: vectorFromArray(Array.from({ length: ROWS }, (_, i) => `n${i}`), new Utf8()),
  });
}

describe('nearlyUniqueColumns', () => {
  it('names the number columns whose sampled values are nearly all distinct, never text', () => {
    expect(nearlyUniqueColumns(table())).toEqual(['id', 'amount']);
  });

  it('names nothing in a table smaller than its sample', () => {
    expect(nearlyUniqueColumns(tableFromArrays({ id: Int32Array.from([1, 2, 3]) }))).toEqual([]);
  });

  it('a table written with and without dictionaries reads back the same', () => {
    const t = table();
    const back = decodeParquet(encodeParquet(t), 'memory.parquet');
    expect(String(back.schema.fields[0].type)).toBe(String(new Int32()));
    for (const name of ['id', 'age', 'amount', 'name']) expect([...back.getChild(name)!]).toEqual([...t.getChild(name)!]);
  });
});
