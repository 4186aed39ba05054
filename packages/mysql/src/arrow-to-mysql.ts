import { DataType, type Data, type Field, type Schema } from 'apache-arrow';
import mysql from 'mysql2';
import { dataGetter, decimalText, timeOfDayText, timestampText } from '@pypeline/sdk';
import { quoteIdent } from './quote-ident.js';

/**
 * The MySQL column type a table created from Arrow data gets. Timestamps become DATETIME(6)
 * holding the UTC time (an Arrow timestamp is an instant, UTC when it names no zone; DATETIME
 * has the range TIMESTAMP lacks); text becomes LONGTEXT (utf8mb4, the server's default here).
 */
export function mysqlTypeOf(type: DataType): string {
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isInt(type)) {
    const name = ({ 8: 'TINYINT', 16: 'SMALLINT', 32: 'INT', 64: 'BIGINT' } as const)[type.bitWidth];
    return type.isSigned ? name : `${name} UNSIGNED`;
  }
  if (DataType.isFloat(type)) return type.precision === 2 ? 'DOUBLE' : 'FLOAT';
  if (DataType.isDecimal(type)) return type.precision <= 65 && type.scale <= 30 ? `DECIMAL(${type.precision}, ${type.scale})` : 'TEXT';
  if (DataType.isDate(type)) return 'DATE';
  if (DataType.isTimestamp(type)) return 'DATETIME(6)';
  if (DataType.isTime(type)) return 'TIME(6)';
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return 'LONGBLOB';
  return 'LONGTEXT';
}

/** `CREATE TABLE IF NOT EXISTS` with the columns of `schema`, and `key` as primary key. */
export function createTableSql(target: string, schema: Schema, key: string[] = []): string {
  const columns = schema.fields.map((f) => `${quoteIdent(f.name)} ${keyType(f, key)}`);
  if (key.length) columns.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${target} (${columns.join(', ')}) CHARACTER SET utf8mb4`;
}

// A primary key column cannot be TEXT/BLOB without a prefix length: key columns of text get VARCHAR(255).
function keyType(field: Field, key: string[]): string {
  const type = mysqlTypeOf(field.type);
  if (!key.includes(field.name)) return type;
  if (type === 'LONGTEXT' || type === 'TEXT') return 'VARCHAR(255) NOT NULL';
  if (type === 'LONGBLOB') return 'VARBINARY(255) NOT NULL';
  return `${type} NOT NULL`;
}

/** Reads value `i` of one column as a statement parameter (null stays null). */
export type ParamReader = (data: Data, i: number) => unknown;

const { TypedParameter } = mysql;

/**
 * How each value of an Arrow column is sent as a bound parameter: integers as typed integers
 * (so a BIT or BIGINT UNSIGNED column takes them exactly), decimals, dates, timestamps (UTC)
 * and times as the server's text, binary as bytes, nested values as JSON text.
 */
export function paramReader(field: Field): ParamReader {
  const type = field.type;
  const get = dataGetter();
  const raw = (data: Data, i: number) => (data.getValid(i) ? get(data, i) : null);
  const nullable = <T,>(f: (v: T, data: Data, i: number) => unknown): ParamReader => (data, i) => (data.getValid(i) ? f(get(data, i) as T, data, i) : null);
  if (DataType.isInt(type)) {
    const typed = type.isSigned ? TypedParameter.LONGLONG : TypedParameter.LONGLONG.unsigned;
    return nullable((v: number | bigint) => typed(BigInt(v)));
  }
  if (DataType.isFloat(type)) return raw;
  if (DataType.isBool(type)) return raw;
  if (DataType.isDecimal(type)) {
    const stride = type.bitWidth / 32;
    return nullable((_v, data, i) => decimalText(data.values.subarray(i * stride, (i + 1) * stride) as Uint32Array, type.scale));
  }
  if (DataType.isDate(type)) return nullable((ms: number | Date) => new Date(Number(ms)).toISOString().slice(0, 10));
  if (DataType.isTimestamp(type)) return nullable((_v, data, i) => mysqlDateTime(timestampText(BigInt(data.values[i]), type.unit, false)));
  if (DataType.isTime(type)) return nullable((_v, data, i) => timeOfDayText(BigInt(data.values[i]), type.unit));
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return nullable((b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) return nullable((v: unknown) => String(v));
  return nullable((v: { toJSON?: () => unknown }) => JSON.stringify(typeof v.toJSON === 'function' ? v.toJSON() : v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)));
}

/** ISO `2024-01-31T10:00:00.123456` as MySQL's DATETIME literal `2024-01-31 10:00:00.123456`. */
function mysqlDateTime(iso: string): string {
  return iso.replace('T', ' ');
}

