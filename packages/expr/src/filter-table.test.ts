import { Int32, Table, Utf8, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { compilePredicate } from './compile-predicate.js';
import { filterTable } from './filter-table.js';
import { parseExpression } from './parse.js';

function twoBatches(): Table {
  const t = new Table({
    n: vectorFromArray([1, 2, 3, 4, 5, 6], new Int32()),
    s: vectorFromArray(['a', 'b', 'c', 'd', 'é', null], new Utf8()),
  });
  return new Table([...t.slice(0, 3).batches, ...t.slice(3).batches]);
}

const where = (t: Table, source: string) => filterTable(t, compilePredicate(parseExpression(source).expr!, t.schema));

describe('filterTable', () => {
  it('keeps matching rows across batches', () => {
    const out = where(twoBatches(), 'n % 2 = 0 or s is null');
    expect(out.toArray().map((r) => r.toJSON())).toEqual([{ n: 2, s: 'b' }, { n: 4, s: 'd' }, { n: 6, s: null }]);
  });

  it('drops emptied batches and reuses untouched ones', () => {
    const t = twoBatches();
    const out = where(t, 'n >= 4');
    expect(out.batches).toHaveLength(1);
    expect(out.batches[0]).toBe(t.batches[1]);
  });

  it('keeps the schema when nothing matches', () => {
    const out = where(twoBatches(), "s = 'zzz'");
    expect(out.numRows).toBe(0);
    expect(out.schema.fields.map((f) => f.name)).toEqual(['n', 's']);
  });

  it('accepts any predicate function', () => {
    const out = filterTable(twoBatches(), (b: RecordBatch) => (b.numRows === 3 ? Uint32Array.of(2, 0) : new Uint32Array(0)));
    expect(out.getChild('n')!.toArray()).toEqual(Int32Array.of(3, 1, 6, 4));
  });
});
