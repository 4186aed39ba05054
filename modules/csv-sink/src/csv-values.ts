import { DataType, type Data, type Field } from 'apache-arrow';
import { formatFloat } from '@pypeline/expr';
import { dataGetter, decimalText, isUuidField, timeOfDayText, timestampText, uuidText } from '@pypeline/sdk';

/** Value `i` of `data` (an index as Arrow's getters take it) as CSV text before quoting; null for a null. */
export type CsvEncoder = (data: Data, i: number) => string | null;

/** Whether csv_sink can write a column: lists, structs, maps and unions have no CSV form. */
export function isNestedType(type: DataType): boolean {
  return DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type) || DataType.isStruct(type) || DataType.isMap(type) || DataType.isUnion(type);
}

/**
 * How a flat column's values become text, as DuckDB's read_csv reads them back: 64-bit integers
 * and decimals exact (decimals at the column's scale), doubles as DuckDB prints them (`27.0`,
 * `nan`, `inf`), booleans `true`/`false`, dates `YYYY-MM-DD`, timestamps ISO 8601 at the unit's
 * precision (with `Z` when the column has a time zone, without for a zone-less one), times
 * `HH:MM:SS[.fff]`, UUIDs canonical, other binary base64.
 */
export function csvEncoder(field: Field): CsvEncoder {
  const encode = valueEncoder(field);
  return (data, i) => (data.getValid(i) ? encode(data, i) : null);
}

function valueEncoder(field: Field): (data: Data, i: number) => string {
  const type = field.type;
  if (DataType.isDecimal(type)) {
    const words = type.bitWidth / 32;
    return (data, i) => decimalText((data.values as Uint32Array).subarray(i * words, i * words + words), type.scale);
  }
  if (DataType.isTimestamp(type)) {
    const zoned = Boolean(type.timezone);
    return (data, i) => timestampText(BigInt((data.values as BigInt64Array)[i]), type.unit, zoned);
  }
  if (DataType.isTime(type)) return (data, i) => timeOfDayText(BigInt((data.values as Int32Array | BigInt64Array)[i]), type.unit);
  if (isUuidField(field)) return (data, i) => uuidText((data.values as Uint8Array).subarray(i * 16, i * 16 + 16));
  const get = dataGetter();
  if (DataType.isDate(type)) return (data, i) => new Date(get(data, i) as number).toISOString().slice(0, 10);
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return (data, i) => Buffer.from(get(data, i) as Uint8Array).toString('base64');
  }
  if (DataType.isFloat(type)) return (data, i) => floatText(get(data, i) as number);
  return (data, i) => String(get(data, i));
}

/** Doubles as DuckDB writes them to CSV: `27.0`, `0.25`, `nan`, `inf`, `-inf`. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return formatFloat(x);
}
