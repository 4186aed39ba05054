import type { ArithmeticOp } from './ast.js';
import { decimalParts, decimalType, isDecimal, isNumeric, isOpen, isTemporal, type ExprType } from './expr-type.js';

/** BIGINT widened to DECIMAL (all 19 digits), as DuckDB does when an integer meets a decimal. */
export const INTEGER_AS_DECIMAL = decimalType(19, 0);

/**
 * The type two values are compared (or unified, in CASE and coalesce) as, or null when they
 * cannot be. Numbers widen (integer < decimal < float), a date meets a timestamp as a timestamp,
 * a string meets a date/time as that date/time (read as ISO text).
 */
export function commonType(a: ExprType, b: ExprType): ExprType | null {
  if (a === b) return a;
  if (isOpen(a)) return b === 'null' ? a : b;
  if (isOpen(b)) return a;
  if (isNumeric(a) && isNumeric(b)) {
    if (a === 'float' || b === 'float') return 'float';
    const da = decimalParts(isDecimal(a) ? a : INTEGER_AS_DECIMAL);
    const db = decimalParts(isDecimal(b) ? b : INTEGER_AS_DECIMAL);
    const scale = Math.max(da.scale, db.scale);
    return decimalType(Math.max(da.precision - da.scale, db.precision - db.scale) + scale, scale);
  }
  if (isTemporal(a) && isTemporal(b)) return 'timestamp';
  // Text meets a date as a timestamp, so '2024-01-31T08:00' and '2024-01-31' both compare sensibly.
  if (isTemporal(a) && b === 'string') return 'timestamp';
  if (a === 'string' && isTemporal(b)) return 'timestamp';
  if (a === 'interval' && b === 'string') return 'interval';
  if (a === 'string' && b === 'interval') return 'interval';
  return null;
}

/** An argument of type `from` may be passed where `to` is wanted (an implicit cast). */
export function implicitlyCasts(from: ExprType, to: ExprType): boolean {
  if (from === to || isOpen(from)) return true;
  if (to === 'float') return isNumeric(from);
  if (isDecimal(to)) return from === 'integer' || isDecimal(from);
  if (to === 'timestamp') return from === 'date';
  return false;
}

export interface ArithmeticTyping {
  /** What each side is cast to before the operation. */
  left: ExprType;
  right: ExprType;
  result: ExprType;
}

/**
 * The types of `a op b`, following DuckDB: integer op integer stays integer (except `/`, which is
 * float division), decimals stay exact for + - * %, dates take integers (days) and intervals.
 * A string says why the operands do not fit.
 */
export function arithmeticTyping(op: ArithmeticOp, a: ExprType, b: ExprType): ArithmeticTyping | string {
  if (isOpen(a) && isOpen(b)) return { left: a, right: b, result: op === '/' ? 'float' : a === 'unknown' || b === 'unknown' ? 'unknown' : 'null' };
  if (isNumeric(a) || isNumeric(b) || isOpen(a) || isOpen(b)) {
    const l = isOpen(a) ? b : a;
    const r = isOpen(b) ? a : b;
    if (isNumeric(l) && isNumeric(r)) return numericTyping(op, l, r, a, b);
  }
  if (op === '+' || op === '-') {
    const t = temporalTyping(op, a, b);
    if (t) return t;
  }
  return 'mismatch';
}

function numericTyping(op: ArithmeticOp, l: ExprType, r: ExprType, a: ExprType, b: ExprType): ArithmeticTyping | string {
  const keep = (t: ExprType, side: ExprType) => (isOpen(side) ? side : t);
  if (op === '//') {
    if (l !== 'integer' || r !== 'integer') return '`//` is integer division: both sides must be integers';
    return { left: a, right: b, result: 'integer' };
  }
  if (op === '/') return { left: keep('float', a), right: keep('float', b), result: 'float' };
  if (l === 'integer' && r === 'integer') return { left: a, right: b, result: 'integer' };
  if (l === 'float' || r === 'float') return { left: keep('float', a), right: keep('float', b), result: 'float' };
  const da = decimalParts(isDecimal(l) ? l : INTEGER_AS_DECIMAL);
  const db = decimalParts(isDecimal(r) ? r : INTEGER_AS_DECIMAL);
  let result: ExprType;
  if (op === '*') {
    result = decimalType(da.precision + db.precision, da.scale + db.scale);
    return { left: keep(decimalType(da.precision, da.scale), a), right: keep(decimalType(db.precision, db.scale), b), result };
  }
  const scale = Math.max(da.scale, db.scale);
  const whole = Math.max(da.precision - da.scale, db.precision - db.scale);
  result = decimalType(whole + scale + (op === '%' ? 0 : 1), scale);
  const operand = decimalType(whole + scale, scale);
  return { left: keep(operand, a), right: keep(operand, b), result };
}

function temporalTyping(op: '+' | '-', a: ExprType, b: ExprType): ArithmeticTyping | null {
  const isInt = (t: ExprType) => t === 'integer' || isOpen(t);
  if (a === 'date' && isInt(b)) return { left: a, right: b, result: 'date' };
  if (op === '+' && isInt(a) && b === 'date') return { left: a, right: b, result: 'date' };
  if (op === '-' && a === 'date' && b === 'date') return { left: a, right: b, result: 'integer' };
  if (isTemporal(a) && b === 'interval') return { left: 'timestamp', right: b, result: 'timestamp' };
  if (op === '+' && a === 'interval' && isTemporal(b)) return { left: a, right: 'timestamp', result: 'timestamp' };
  if (op === '-' && isTemporal(a) && isTemporal(b)) return { left: 'timestamp', right: 'timestamp', result: 'interval' };
  if (a === 'interval' && b === 'interval') return { left: a, right: b, result: 'interval' };
  return null;
}
