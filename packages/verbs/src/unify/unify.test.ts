import { Bool, DataType, DateDay, Decimal, Float32, Float64, Int16, Int32, Int64, Null, TimestampMicrosecond, TimestampMillisecond, Uint32, Uint64, Uint8, Utf8, makeVector, vectorFromArray, type Data } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { castData, nullData } from './cast-data.js';
import { commonType, typeName } from './common-type.js';

const name = (t: DataType | null) => (t ? typeName(t) : null);

describe('commonType (DuckDB UNION BY NAME / UNPIVOT)', () => {
  it.each([
    [new Int32(), new Int64(), 'BIGINT'], [new Int16(), new Uint8(), 'SMALLINT'], [new Int32(), new Uint32(), 'BIGINT'], [new Int64(), new Uint64(), null],
    [new Int64(), new Float32(), 'FLOAT'], [new Int32(), new Float64(), 'DOUBLE'], [new Float32(), new Float64(), 'DOUBLE'],
    [new Int32(), new Decimal(2, 10, 128), 'DECIMAL(12,2)'], [new Int64(), new Decimal(4, 18, 128), 'DECIMAL(23,4)'], [new Decimal(4, 18, 128), new Decimal(2, 10, 128), 'DECIMAL(18,4)'],
    [new Bool(), new Int32(), 'INTEGER'], [new Null(), new Utf8(), 'VARCHAR'], [new DateDay(), new TimestampMillisecond(), 'TIMESTAMP'],
    [new Int32(), new Utf8(), 'VARCHAR'], [new DateDay(), new Utf8(), 'VARCHAR'], [new Int32(), new DateDay(), null],
  ])('%s + %s in a set operation is %s', (a, b, want) => {
    expect(name(commonType(a, b, 'set'))).toBe(want);
    expect(name(commonType(b, a, 'set'))).toBe(want);
  });

  it('refuses text with anything else in UNPIVOT, as DuckDB does', () => {
    expect(commonType(new Int32(), new Utf8(), 'strict')).toBeNull();
    expect(name(commonType(new Int32(), new Bool(), 'strict'))).toBe('INTEGER');
  });
});

describe('castData', () => {
  const values = (d: Data) => [...makeVector(d)].map((v) => (typeof v === 'bigint' ? Number(v) : v));

  it('widens numbers, keeping nulls (also of a slice)', () => {
    const ints = vectorFromArray([1, null, -3, 4], new Int32()).data[0];
    expect(values(castData(ints, new Int64()))).toEqual([1, null, -3, 4]);
    expect(values(castData(ints, new Float64()))).toEqual([1, null, -3, 4]);
    expect(values(castData(ints.slice(1, 2), new Float64()))).toEqual([null, -3]);
    expect(values(castData(vectorFromArray([true, null, false], new Bool()).data[0], new Int32()))).toEqual([1, null, 0]);
    expect(values(castData(vectorFromArray([1.5, null], new Float64()).data[0], new Utf8()))).toEqual(['1.5', null]);
    expect(values(castData(vectorFromArray([27, null], new Float64()).data[0], new Utf8()))).toEqual(['27.0', null]);
    expect(values(castData(ints, new Decimal(2, 12, 128))).map(String)).toHaveLength(4);
  });

  it('turns a date into its midnight and keeps a timestamp instant across units', () => {
    const days = vectorFromArray([new Date('2020-01-02'), null], new DateDay()).data[0];
    expect(values(castData(days, new TimestampMicrosecond()))).toEqual([Date.UTC(2020, 0, 2), null]);
    const ms = vectorFromArray([new Date('2020-01-02T03:04:05.123Z')], new TimestampMillisecond()).data[0];
    expect((castData(ms, new TimestampMicrosecond()).values as BigInt64Array)[0]).toBe(1577934245123000n);
  });

  it('fills a null column with nulls of the wanted type', () => {
    const nulls = vectorFromArray([null, null], new Null()).data[0];
    expect(values(castData(nulls, new Utf8()))).toEqual([null, null]);
    for (const type of [new Int64(), new DateDay(), new TimestampMicrosecond(), new Decimal(2, 12, 128), new Bool(), new Float32()]) {
      expect(values(nullData(type, 3)), String(type)).toEqual([null, null, null]);
    }
  });
});
