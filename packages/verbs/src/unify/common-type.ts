import { DataType, Decimal, util, Float32, Float64, Int, Timestamp, TimeUnit, Utf8, type Field } from 'apache-arrow';

/**
 * How two column types meet (DuckDB's rules), for `UNION … BY NAME` and `UNPIVOT`:
 * - `set`: DuckDB's set operations (`ForceMaxLogicalType`): when nothing else fits and either
 *   side is text, the result is text (VARCHAR); a number or a date never meets a date or a list.
 * - `strict`: DuckDB's UNPIVOT (`MaxLogicalType`): text meets only text ("an explicit cast is required").
 */
export type TypeMeeting = 'set' | 'strict';

/**
 * The type a column of type `a` and one of type `b` both widen to, or null when none (DuckDB's
 * "Unimplemented type for cast"): null meets anything; integers widen to the narrowest integer
 * holding both (a signed and an unsigned one to the next signed width); an integer meets a
 * decimal as a decimal with room for its digits, a float as that float; booleans meet numbers
 * as the number; a date meets a timestamp as the timestamp; timestamps keep the finer unit and
 * a time zone when either has one.
 * WARNING: DuckDB widens BIGINT and UBIGINT (and UBIGINT with a smaller signed type) to HUGEINT,
 * which Arrow has no integer for: null here, and the caller's error says to cast first.
 */
export function commonType(a: DataType, b: DataType, meeting: TypeMeeting): DataType | null {
  if (DataType.isNull(a)) return b;
  if (DataType.isNull(b)) return a;
  if (sameType(a, b)) return a;
  const numeric = commonNumeric(a, b);
  if (numeric !== undefined) return numeric;
  const time = commonTime(a, b);
  if (time) return time;
  if (meeting === 'set' && (isText(a) || isText(b)) && !DataType.isBinary(a) && !DataType.isBinary(b) && isPlain(a) && isPlain(b)) return new Utf8();
  return null;
}

/** The same Arrow type (parameters included: Int32 vs Int64, a decimal's scale, a time zone). */
export function sameType(a: DataType, b: DataType): boolean {
  // WARNING: Arrow's compareTypes ignores a decimal's precision and scale.
  if (DataType.isDecimal(a) && DataType.isDecimal(b)) return a.precision === b.precision && a.scale === b.scale && a.bitWidth === b.bitWidth;
  return util.compareTypes(a, b);
}

/** The type of `fields` widened one after another (left to right); null with the first pair that does not meet. */
export function commonTypeOf(types: readonly DataType[], meeting: TypeMeeting): { type: DataType } | { clash: [number, DataType, DataType] } {
  let type = types[0];
  for (let i = 1; i < types.length; i++) {
    const next = commonType(type, types[i], meeting);
    if (!next) return { clash: [i, type, types[i]] };
    type = next;
  }
  return { type };
}

/** DuckDB's name for an Arrow type in messages: INTEGER, BIGINT, DOUBLE, VARCHAR, DECIMAL(18,4), … */
export function typeName(type: DataType | Field['type']): string {
  if (DataType.isInt(type)) return `${type.isSigned ? '' : 'U'}${({ 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' } as Record<number, string>)[type.bitWidth]}`;
  if (DataType.isFloat(type)) return type.precision === 2 ? 'DOUBLE' : 'FLOAT';
  if (DataType.isDecimal(type)) return `DECIMAL(${type.precision},${type.scale})`;
  if (isText(type)) return 'VARCHAR';
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isDate(type)) return 'DATE';
  if (DataType.isTimestamp(type)) return type.timezone ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
  if (DataType.isBinary(type)) return 'BLOB';
  if (DataType.isNull(type)) return 'NULL';
  return String(type);
}

const isText = (t: DataType) => DataType.isUtf8(t) || DataType.isLargeUtf8(t);
/** Types DuckDB casts to VARCHAR in a set operation: scalars, not lists, structs or maps. */
const isPlain = (t: DataType) => DataType.isInt(t) || DataType.isFloat(t) || DataType.isDecimal(t) || DataType.isBool(t) || DataType.isDate(t) || DataType.isTimestamp(t) || isText(t);

// Digits before the point an integer type needs, as DuckDB's integer-to-decimal cast counts them.
const INT_DIGITS: Record<string, number> = { 'true8': 3, 'true16': 5, 'true32': 10, 'true64': 19, 'false8': 3, 'false16': 5, 'false32': 10, 'false64': 20 };

/** undefined: not two numbers (or booleans); null: numbers with no common Arrow type. */
function commonNumeric(a: DataType, b: DataType): DataType | null | undefined {
  const isNum = (t: DataType) => DataType.isInt(t) || DataType.isFloat(t) || DataType.isDecimal(t) || DataType.isBool(t);
  if (!isNum(a) || !isNum(b)) return undefined;
  if (DataType.isBool(a)) return b;
  if (DataType.isBool(b)) return a;
  if (DataType.isFloat(a) || DataType.isFloat(b)) {
    const double = (t: DataType) => DataType.isFloat(t) && t.precision === 2;
    // A float meets an integer or a decimal as that float (DuckDB: INTEGER + FLOAT is FLOAT).
    return double(a) || double(b) ? new Float64() : new Float32();
  }
  if (DataType.isInt(a) && DataType.isInt(b)) return commonInt(a, b);
  const [p1, s1] = decimalShape(a);
  const [p2, s2] = decimalShape(b);
  const scale = Math.max(s1, s2);
  const precision = Math.max(p1 - s1, p2 - s2) + scale;
  return precision > 38 ? null : new Decimal(scale, precision, 128);
}

function decimalShape(t: DataType): [number, number] {
  if (DataType.isDecimal(t)) return [t.precision, t.scale];
  const int = t as Int;
  return [INT_DIGITS[`${int.isSigned}${int.bitWidth}`], 0];
}

function commonInt(a: Int, b: Int): Int | null {
  if (a.isSigned === b.isSigned) return a.bitWidth >= b.bitWidth ? a : b;
  const [signed, unsigned] = a.isSigned ? [a, b] : [b, a];
  if (unsigned.bitWidth < signed.bitWidth) return signed;
  const width = unsigned.bitWidth * 2;
  return width > 64 ? null : new Int(true, width as 16 | 32 | 64);
}

const UNIT_ORDER = [TimeUnit.SECOND, TimeUnit.MILLISECOND, TimeUnit.MICROSECOND, TimeUnit.NANOSECOND];

function commonTime(a: DataType, b: DataType): DataType | null {
  const isTime = (t: DataType) => DataType.isDate(t) || DataType.isTimestamp(t);
  if (!isTime(a) || !isTime(b)) return null;
  if (DataType.isDate(a) && DataType.isDate(b)) return a;
  const stamps = [a, b].filter((t): t is Timestamp => DataType.isTimestamp(t));
  // The finer unit; a date is a day, which any unit holds.
  const unit = stamps.map((t) => t.unit).reduce((u, v) => (UNIT_ORDER.indexOf(v) > UNIT_ORDER.indexOf(u) ? v : u));
  const zone = stamps.find((t) => t.timezone)?.timezone ?? null;
  return new Timestamp(unit, zone);
}

