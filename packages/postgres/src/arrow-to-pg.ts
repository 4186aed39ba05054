import { DataType, type Field } from 'apache-arrow';

/**
 * The PostgreSQL column type a table created from Arrow data gets: the one map the batch
 * postgres_sink and the stream postgresSink share. Timestamps follow the project's value rule:
 * an Arrow timestamp is an instant, in UTC when it names no zone, so every timestamp becomes
 * `timestamptz`. The value then means the same moment in any session's time zone (values are
 * written as UTC and sessions run in UTC), where a `timestamp` column would drop the "UTC".
 */
export function pgTypeOf(type: DataType): string {
  if (DataType.isInt(type)) {
    if (type.bitWidth <= 16 && type.isSigned) return 'smallint';
    if (type.bitWidth <= 16 || (type.bitWidth === 32 && type.isSigned)) return 'integer';
    return type.bitWidth === 32 || type.isSigned ? 'bigint' : 'numeric';
  }
  if (DataType.isFloat(type)) return type.precision === 2 ? 'double precision' : 'real';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isTimestamp(type)) return 'timestamptz';
  if (DataType.isDecimal(type)) return 'numeric';
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return 'bytea';
  return 'text';
}

/**
 * How one value of an Arrow column is written as PostgreSQL input text (null stays null):
 * dates as YYYY-MM-DD, timestamps as ISO 8601 in UTC, binary as \x hex, nested values as JSON.
 */
export function textFormatter(field: Field): (value: unknown) => string | null {
  const type = field.type;
  const nullable = <T,>(f: (v: T) => string) => (v: unknown) => (v === null || v === undefined ? null : f(v as T));
  if (DataType.isDate(type)) return nullable((ms: number) => isoDate(ms));
  if (DataType.isTimestamp(type)) return nullable((ms: number | bigint) => new Date(Number(ms)).toISOString());
  if (DataType.isBool(type)) return nullable((b: boolean) => (b ? 't' : 'f'));
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return nullable((bytes: Uint8Array) => `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
  }
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) {
    return nullable((v: unknown) => String(v));
  }
  return nullable((v: { toJSON?: () => unknown }) => JSON.stringify(typeof v.toJSON === 'function' ? v.toJSON() : v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)));
}

function isoDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, iso.indexOf('T'));
}
