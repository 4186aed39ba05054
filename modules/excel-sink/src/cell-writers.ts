import { DataType, type Data, type Field } from 'apache-arrow';
import { dataGetter, decimalText, isUuidField, uuidText } from '@pypeline/sdk';

/** Largest integer a double holds exactly, and so the largest Excel keeps exactly. */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const UNIT_MS = [1000, 1, 1e-3, 1e-6];
const DAY_MS = 86_400_000;

/** A value as a cell takes it: number, text, boolean, date or empty. */
export type ExcelValue = number | string | boolean | Date | null;

/** How one column's values become cells, with the number format its cells show. */
export interface CellWriter {
  value(data: Data, i: number): ExcelValue;
  /** Excel number format, e.g. `yyyy-mm-dd`; undefined for the General format. */
  numFmt?: string;
  /** Values written as text because a number would lose digits (64-bit integers past 2^53). */
  readonly asText: number;
}

type Counted = { asText: number; value(data: Data, i: number): ExcelValue };

/** Whether excel_sink can write a column: lists, structs, maps and unions have no cell form. */
export function isNestedType(type: DataType): boolean {
  return DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type) || DataType.isStruct(type) || DataType.isMap(type) || DataType.isUnion(type);
}

/**
 * Native Excel cells for a column: numbers as numbers (64-bit integers beyond ±2^53 and decimals
 * of more than 15 digits as exact text, since Excel keeps a double), dates and timestamps as
 * dates shown `yyyy-mm-dd` / `yyyy-mm-dd hh:mm:ss[.000]` (a zoned timestamp at its UTC time:
 * Excel has no zones), times of day as day fractions shown `hh:mm:ss`, booleans as booleans,
 * UUIDs canonical and other binary as base64 text.
 */
export function cellWriter(field: Field): CellWriter {
  const type = field.type;
  const get = dataGetter();
  const valid = (f: (data: Data, i: number) => ExcelValue) => (data: Data, i: number) => (data.getValid(i) ? f(data, i) : null);
  if (DataType.isInt(type) && type.bitWidth === 64) {
    const writer: Counted = {
      asText: 0,
      value: valid((data, i) => {
        const v = BigInt((data.values as BigInt64Array)[i]);
        if (v <= SAFE && v >= -SAFE) return Number(v);
        writer.asText++;
        return v.toString();
      }),
    };
    return writer;
  }
  if (DataType.isDecimal(type)) {
    const words = type.bitWidth / 32;
    const text = (data: Data, i: number) => decimalText((data.values as Uint32Array).subarray(i * words, i * words + words), type.scale);
    const numFmt = type.scale > 0 ? `0.${'0'.repeat(type.scale)}` : '0';
    if (type.precision <= 15) return { asText: 0, numFmt, value: valid((data, i) => Number(text(data, i))) };
    const writer: Counted = { asText: 0, value: valid((data, i) => (writer.asText++, text(data, i))) };
    return writer;
  }
  if (DataType.isTimestamp(type)) {
    const scale = UNIT_MS[type.unit];
    return { asText: 0, numFmt: type.unit === 0 ? 'yyyy-mm-dd hh:mm:ss' : 'yyyy-mm-dd hh:mm:ss.000', value: valid((data, i) => new Date(Math.round(Number((data.values as BigInt64Array)[i]) * scale))) };
  }
  if (DataType.isDate(type)) return { asText: 0, numFmt: 'yyyy-mm-dd', value: valid((data, i) => new Date(get(data, i) as number)) };
  if (DataType.isTime(type)) {
    const scale = UNIT_MS[type.unit];
    return { asText: 0, numFmt: 'hh:mm:ss', value: valid((data, i) => (Number((data.values as Int32Array | BigInt64Array)[i]) * scale) / DAY_MS) };
  }
  if (isUuidField(field)) return { asText: 0, value: valid((data, i) => uuidText((data.values as Uint8Array).subarray(i * 16, i * 16 + 16))) };
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return { asText: 0, value: valid((data, i) => Buffer.from(get(data, i) as Uint8Array).toString('base64')) };
  }
  if (DataType.isFloat(type)) {
    // Excel has no NaN or infinity: they are written as text, as JavaScript prints them.
    return { asText: 0, value: valid((data, i) => { const x = get(data, i) as number; return Number.isFinite(x) ? x : String(x); }) };
  }
  if (DataType.isBool(type)) return { asText: 0, value: valid((data, i) => Boolean(get(data, i))) };
  if (DataType.isInt(type)) return { asText: 0, value: valid((data, i) => Number(get(data, i))) };
  return { asText: 0, value: valid((data, i) => String(get(data, i))) };
}

/** Text width of a value in characters, for a column's default width. */
export function shownWidth(value: ExcelValue, numFmt: string | undefined): number {
  if (value === null) return 0;
  if (value instanceof Date) return (numFmt ?? 'yyyy-mm-dd').length;
  return String(value).length;
}
