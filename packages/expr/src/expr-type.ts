import { DataType, DateUnit, type Field } from 'apache-arrow';

/**
 * The static types the checker works with. Temporal values (dates and timestamps) are one type:
 * they all compare as instants. `unknown` is a `{{variable}}` whose value is not known yet; it is
 * accepted wherever a value is.
 */
export type ExprType = 'number' | 'string' | 'boolean' | 'temporal' | 'null' | 'unknown';

/** For messages: "got a string". */
export function describeType(t: ExprType): string {
  switch (t) {
    case 'number': return 'a number';
    case 'string': return 'a string';
    case 'boolean': return 'true/false';
    case 'temporal': return 'a date/time';
    case 'null': return 'null';
    case 'unknown': return 'a value';
  }
}

/** The expression type of an Arrow column, or null when expressions cannot read that Arrow type. */
export function typeOfField(field: Field): ExprType | null {
  return typeOfArrowType(field.type);
}

function typeOfArrowType(type: DataType): ExprType | null {
  if (DataType.isInt(type) || DataType.isFloat(type)) return 'number';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return 'string';
  if (DataType.isDate(type)) return type.unit === DateUnit.DAY || type.unit === DateUnit.MILLISECOND ? 'temporal' : null;
  if (DataType.isTimestamp(type)) return 'temporal';
  // Only string dictionaries have a fast path (compare each entry once, then look up by key).
  if (DataType.isDictionary(type)) return typeOfArrowType(type.dictionary) === 'string' ? 'string' : null;
  return null;
}
