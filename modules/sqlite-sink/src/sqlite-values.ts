import { DataType, type Data, type Field } from 'apache-arrow';
import { dataGetter, decimalText, isUuidField, timeOfDayText, timestampText, uuidText } from '@pypeline/sdk';

/** A value as better-sqlite3 binds it. */
export type SqliteValue = bigint | number | string | Buffer | null;

/** Whether a column has no SQLite form: lists, structs, maps and unions. */
export function isNestedType(type: DataType): boolean {
  return DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type) || DataType.isStruct(type) || DataType.isMap(type) || DataType.isUnion(type);
}

/**
 * The declared type a created table gives a column, so sqlite_source reads it back as the same
 * kind: INTEGER, REAL, BOOLEAN, TEXT, BLOB, DATE, TIMESTAMP, TIME, DECIMAL(p,s).
 */
export function declaredType(field: Field): string {
  const type = field.type;
  if (DataType.isInt(type)) return 'INTEGER';
  if (DataType.isFloat(type)) return 'REAL';
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isDecimal(type)) return `DECIMAL(${type.precision},${type.scale})`;
  if (DataType.isTimestamp(type)) return 'TIMESTAMP';
  if (DataType.isDate(type)) return 'DATE';
  if (DataType.isTime(type)) return 'TIME';
  if (isUuidField(field)) return 'TEXT';
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return 'BLOB';
  return 'TEXT';
}

/**
 * How a column's values are bound: integers as integers (64-bit exact), floats as REAL (NaN as
 * null, which is what SQLite stores), booleans 1/0, dates `YYYY-MM-DD` and timestamps
 * `YYYY-MM-DD HH:MM:SS.fff` in UTC (the text SQLite's date functions read and write), times
 * `HH:MM:SS`, decimals as exact text, UUIDs canonical, binary as blobs.
 */
export function valueBinder(field: Field): (data: Data, i: number) => SqliteValue {
  const type = field.type;
  const get = dataGetter();
  const valid = (f: (data: Data, i: number) => SqliteValue) => (data: Data, i: number) => (data.getValid(i) ? f(data, i) : null);
  if (DataType.isInt(type) && type.bitWidth === 64) return valid((data, i) => BigInt((data.values as BigInt64Array)[i]));
  if (DataType.isDecimal(type)) {
    const words = type.bitWidth / 32;
    return valid((data, i) => decimalText((data.values as Uint32Array).subarray(i * words, i * words + words), type.scale));
  }
  if (DataType.isTimestamp(type)) return valid((data, i) => timestampText(BigInt((data.values as BigInt64Array)[i]), type.unit, false).replace('T', ' '));
  if (DataType.isTime(type)) return valid((data, i) => timeOfDayText(BigInt((data.values as Int32Array | BigInt64Array)[i]), type.unit));
  if (DataType.isDate(type)) return valid((data, i) => new Date(get(data, i) as number).toISOString().slice(0, 10));
  if (isUuidField(field)) return valid((data, i) => uuidText((data.values as Uint8Array).subarray(i * 16, i * 16 + 16)));
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return valid((data, i) => Buffer.from(get(data, i) as Uint8Array));
  if (DataType.isBool(type)) return valid((data, i) => (get(data, i) ? 1 : 0));
  if (DataType.isFloat(type)) return valid((data, i) => { const x = get(data, i) as number; return Number.isNaN(x) ? null : x; });
  if (DataType.isInt(type)) return valid((data, i) => Number(get(data, i)));
  return valid((data, i) => String(get(data, i)));
}

/** A name quoted as one SQLite identifier: a `"` in it is doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
