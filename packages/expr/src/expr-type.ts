import {
  DataType, DateDay, Decimal, Float64, Bool, Int64, Null, TimestampMicrosecond, Utf8, type Field,
} from 'apache-arrow';

/** DuckDB's DECIMAL(p, s): `p` digits in all, `s` of them after the point. */
export type DecimalType = `decimal(${number},${number})`;

/**
 * The static types the checker works with, named after DuckDB's: `integer` is BIGINT (exact
 * 64-bit), `float` is DOUBLE, `decimal(p,s)` is DECIMAL, `date` a day, `timestamp` an instant
 * (microseconds, UTC), `interval` a span of months, days and microseconds. `unknown` is a
 * `{{variable}}` whose value is not known yet; it is accepted wherever a value is.
 */
export type ExprType = 'integer' | 'float' | DecimalType | 'string' | 'boolean' | 'date' | 'timestamp' | 'interval' | 'null' | 'unknown';

export const isDecimal = (t: ExprType): t is DecimalType => t.startsWith('decimal(');
export const isNumeric = (t: ExprType): boolean => t === 'integer' || t === 'float' || isDecimal(t);
export const isTemporal = (t: ExprType): boolean => t === 'date' || t === 'timestamp';
/** Null or a not-yet-known variable: fits anywhere. */
export const isOpen = (t: ExprType): boolean => t === 'null' || t === 'unknown';

export function decimalType(precision: number, scale: number): DecimalType {
  const p = Math.min(38, Math.max(1, precision));
  return `decimal(${p},${Math.min(scale, p)})`;
}

export function decimalParts(t: DecimalType): { precision: number; scale: number } {
  const [p, s] = t.slice(8, -1).split(',').map(Number);
  return { precision: p, scale: s };
}

/** For messages: "got a string". */
export function describeType(t: ExprType): string {
  if (isDecimal(t)) return `a ${t.toUpperCase()}`;
  switch (t) {
    case 'integer': return 'an integer';
    case 'float': return 'a float';
    case 'string': return 'a string';
    case 'boolean': return 'true/false';
    case 'date': return 'a date';
    case 'timestamp': return 'a timestamp';
    case 'interval': return 'an interval';
    case 'null': return 'null';
    default: return 'a value';
  }
}

/** The SQL name of a type, as the function reference and cast() write it. */
export function sqlName(t: ExprType): string {
  if (isDecimal(t)) return t.toUpperCase();
  switch (t) {
    case 'integer': return 'BIGINT';
    case 'float': return 'DOUBLE';
    case 'string': return 'VARCHAR';
    case 'boolean': return 'BOOLEAN';
    case 'date': return 'DATE';
    case 'timestamp': return 'TIMESTAMP';
    case 'interval': return 'INTERVAL';
    case 'null': return 'NULL';
    default: return 'ANY';
  }
}

/** The expression type of an Arrow column, or null when expressions cannot read that Arrow type. */
export function typeOfField(field: Field): ExprType | null {
  return typeOfArrowType(field.type);
}

export function typeOfArrowType(type: DataType): ExprType | null {
  if (DataType.isInt(type)) return 'integer';
  if (DataType.isFloat(type)) return 'float';
  if (DataType.isDecimal(type)) return type.bitWidth === 128 ? decimalType(type.precision, type.scale) : null;
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return 'string';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isTimestamp(type)) return 'timestamp';
  // Only string dictionaries have a fast path (compare each entry once, then look up by key).
  if (DataType.isDictionary(type)) return typeOfArrowType(type.dictionary) === 'string' ? 'string' : null;
  return null;
}

/** The Arrow type a computed value of type `t` is stored as. */
export function arrowTypeOf(t: ExprType): DataType {
  if (isDecimal(t)) {
    const { precision, scale } = decimalParts(t);
    return new Decimal(scale, precision, 128);
  }
  switch (t) {
    case 'integer': return new Int64();
    case 'float': return new Float64();
    case 'string': return new Utf8();
    case 'boolean': return new Bool();
    case 'date': return new DateDay();
    case 'timestamp': return new TimestampMicrosecond();
    default: return new Null();
  }
}
