import { Field, RecordBatch, Schema, Table, Utf8, makeData, Struct, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batchToRows, batchWriter, rowsToBatch, schemaFromSpec, type Row } from './arrow-rows.js';
import { keysReader } from './key-reader.js';

const schema = schemaFromSpec({ s: 'string', x: 'float64', n: 'int64', ts: 'timestamp' });

describe('rows written straight into column buffers', () => {
  const rows: Row[] = [
    { s: 'a', x: 1.5, n: 3, ts: 1_700_000_000_000 },
    { s: null, x: undefined, n: 2n ** 62n, ts: null },
    { s: 'héllo', x: -0, n: -7, ts: 0, extra: 'ignored' },
    {},
  ];

  it('batchWriter builds what rowsToBatch builds, nulls included', () => {
    const w = batchWriter(schema, 10)!;
    for (const r of rows) expect(w.add(r)).toBe(true);
    const batch = w.finish();
    expect(batch.numRows).toBe(4);
    expect(batchToRows(batch)).toEqual(batchToRows(rowsToBatch(rows, schema)));
    expect(batch.getChild('s')!.nullCount).toBe(2);
    expect(batch.getChild('ts')!.nullCount).toBe(2);
  });

  it('builds batches that Arrow IPC writes and reads back, with and without nulls, and that slice', () => {
    for (const some of [rows, rows.slice(0, 1), [rows[0], rows[2]]]) {
      const w = batchWriter(schema, some.length)!;
      for (const r of some) w.add(r);
      const batch = w.finish();
      const back = tableFromIPC(tableToIPC(new Table([batch])));
      expect(back.numRows).toBe(some.length);
      expect(batchToRows(back.batches[0])).toEqual(batchToRows(batch));
      expect(back.batches[0].getChild('s')!.nullCount).toBe(batch.getChild('s')!.nullCount);
      expect(batchToRows(batch.slice(1))).toEqual(batchToRows(batch).slice(1));
    }
  });

  it('refuses a value that needs coercion, and rows past its capacity', () => {
    expect(batchWriter(schema, 4)!.add({ s: 5 })).toBe(false);
    expect(batchWriter(schema, 4)!.add({ x: '2.5' })).toBe(false);
    expect(batchWriter(schema, 4)!.add({ n: 1.5 })).toBe(false);
    expect(batchWriter(schema, 4)!.add({ ts: '2024-07-01T12:00:00' })).toBe(false);
    const one = batchWriter(schema, 1)!;
    expect(one.add({ s: 'a' })).toBe(true);
    expect(one.add({ s: 'b' })).toBe(false);
    expect(batchToRows(one.finish())).toEqual([{ s: 'a', x: null, n: null, ts: null }]);
  });

  it('has no writer for a column type without a fast path', () => {
    expect(batchWriter(schemaFromSpec({ ok: 'bool' }), 4)).toBeUndefined();
  });

  it('rowsToBatch writes int64 and timestamps of integral numbers as the generic path does', () => {
    const batch = rowsToBatch([{ n: 1, ts: 2 }, { n: 9007199254740993n, ts: null }, { n: null, ts: -5 }], schemaFromSpec({ n: 'int64', ts: 'timestamp' }));
    expect(batchToRows(batch)).toEqual([{ n: 1, ts: 2 }, { n: '9007199254740993', ts: null }, { n: null, ts: -5 }]);
  });
});

describe('keys of a text column rowsToBatch built', () => {
  it('reads the same keys and ids as from the UTF-8 bytes', () => {
    const values = ['a', null, 'héllo', 'a', ''];
    const built = rowsToBatch(values.map((k) => ({ k })), new Schema([new Field('k', new Utf8(), true)]));
    const col = vectorFromArray(values, new Utf8());
    const bytes = new RecordBatch(built.schema, makeData({ type: new Struct(built.schema.fields), length: values.length, nullCount: 0, children: [col.data[0]] }));
    const owner = {};
    const a = keysReader(built, ['k'], 'test', owner);
    const b = keysReader(bytes, ['k'], 'test', owner);
    for (let r = 0; r < values.length; r++) {
      expect(a.value(r)).toBe(b.value(r));
      expect(a.id(r)).toBe(b.id(r));
    }
    expect(a.id(1)).toBe('nnull');
    expect(a.id(0)).toBe('sa');
  });

  it('reads a key that does not survive UTF-8 as its bytes say, as every other batch would', () => {
    const schema = new Schema([new Field('k', new Utf8(), true)]);
    const owner = {};
    const lone = keysReader(rowsToBatch([{ k: 'a\ud800' }], schema), ['k'], 'test', owner);
    const replaced = keysReader(rowsToBatch([{ k: 'a\ufffd' }], schema), ['k'], 'test', owner);
    expect(lone.value(0)).toBe('a\ufffd');
    expect(lone.id(0)).toBe(replaced.id(0));
  });
});
