import type { ArithmeticOp, ComparisonOp } from './ast.js';
import { decimalParts, isDecimal, type ExprType } from './expr-type.js';
import { addInterval, US_PER_DAY } from './scalar/datetime.js';
import { EvalError } from './scalar/eval-error.js';
import { checkInt64, shortNumber } from './scalar/cast.js';
import { DecimalValue, IntervalValue, type Scalar } from './scalar/values.js';
import type { ArithmeticTyping } from './type-rules.js';

export type { Scalar } from './scalar/values.js';

/**
 * Orders strings by code point, which is the order of their UTF-8 bytes, so valve conditions and
 * the byte-comparing vector kernels agree. JS `<` compares UTF-16 units instead, which puts
 * U+E000..U+FFFF after emoji.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codepointRank(x) - codepointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (D800..DFFF) encode code points above FFFF, so they must sort after E000..FFFF.
const codepointRank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/** The order of two non-null values of one type (already cast to their common type). */
export function orderOf(a: Scalar, b: Scalar): number {
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'bigint') {
    const y = b as bigint;
    return a < y ? -1 : a > y ? 1 : 0;
  }
  if (a instanceof DecimalValue) {
    const y = b as DecimalValue;
    const scale = Math.max(a.scale, y.scale);
    const [p, q] = [a.rescale(scale).units, y.rescale(scale).units];
    return p < q ? -1 : p > q ? 1 : 0;
  }
  if (a instanceof IntervalValue) return Math.sign(a.approxMicros() - (b as IntervalValue).approxMicros());
  const x = Number(a);
  const y = Number(b);
  // SQL orders NaN above every other float and equal to itself.
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** SQL comparison: null when either side is null. Both sides already have the same type. */
export function compareScalars(op: ComparisonOp, a: Scalar, b: Scalar): boolean | null {
  if (a === null || b === null) return null;
  return testOrder(op, orderOf(a, b));
}

export function testOrder(op: ComparisonOp, order: number): boolean {
  switch (op) {
    case '==': return order === 0;
    case '!=': return order !== 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
  }
}

/**
 * `a op b` for operands already cast to `typing.left` / `typing.right`. Null in, null out;
 * dividing by zero gives null (`/`, `//` and `%`). Integer overflow throws EvalError.
 */
export function arithmeticScalars(op: ArithmeticOp, a: Scalar, b: Scalar, typing: ArithmeticTyping): Scalar {
  if (a === null || b === null) return null;
  const { result } = typing;
  if (result === 'integer' && typeof a === 'bigint' && typeof b === 'bigint') return integerOp(op, a, b);
  if (result === 'float') return floatOp(op, Number(a), Number(b));
  if (isDecimal(result) || a instanceof DecimalValue) return decimalOp(op, a as DecimalValue, b as DecimalValue, result);
  return temporalOp(op, a, b, typing);
}

export function integerOp(op: ArithmeticOp, x: bigint, y: bigint): bigint | null {
  const what = (sym: string) => `${x} ${sym} ${y}`;
  switch (op) {
    case '+': return checkInt64(x + y, what('+'));
    case '-': return checkInt64(x - y, what('-'));
    case '*': return checkInt64(x * y, what('*'));
    case '//': return y === 0n ? null : checkInt64(x / y, what('//'));
    case '%': return y === 0n ? null : x % y;
    case '/': return null;
  }
}

export function floatOp(op: ArithmeticOp, x: number, y: number): number | null {
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return y === 0 ? null : x / y;
    case '//': return y === 0 ? null : Math.trunc(x / y);
    case '%': return y === 0 ? null : x % y;
  }
}

function decimalOp(op: ArithmeticOp, a: DecimalValue, b: DecimalValue, result: ExprType): DecimalValue | null {
  const scale = isDecimal(result) ? decimalParts(result).scale : Math.max(a.scale, b.scale);
  let out: DecimalValue | null;
  if (op === '*') out = new DecimalValue(a.units * b.units, a.scale + b.scale).rescale(scale);
  else {
    const s = Math.max(a.scale, b.scale);
    const [x, y] = [a.rescale(s).units, b.rescale(s).units];
    if (op === '+') out = new DecimalValue(x + y, s);
    else if (op === '-') out = new DecimalValue(x - y, s);
    else if (op === '%') out = y === 0n ? null : new DecimalValue(x % y, s);
    else throw new EvalError(`'${op}' on decimals`);
  }
  if (out && isDecimal(result)) {
    const limit = 10n ** BigInt(decimalParts(result).precision);
    if (out.units >= limit || out.units <= -limit) throw new EvalError(`decimal overflow: ${shortNumber(out.toString())} does not fit ${result.toUpperCase()}`, 'cast to a wider decimal or to double');
  }
  return out;
}

function temporalOp(op: ArithmeticOp, a: Scalar, b: Scalar, typing: ArithmeticTyping): Scalar {
  const sign = op === '-' ? -1 : 1;
  if (typing.result === 'date') {
    // date ± integer days
    const [days, n] = typing.left === 'date' ? [a as number, Number(b)] : [b as number, Number(a)];
    return days + sign * n;
  }
  if (typing.left === 'date' && typing.right === 'date') return BigInt((a as number) - (b as number));
  if (typing.result === 'timestamp') {
    if (a instanceof IntervalValue) return addInterval(b as number, a, 1);
    return addInterval(a as number, b as IntervalValue, sign as 1 | -1);
  }
  if (typing.result === 'interval') {
    if (a instanceof IntervalValue && b instanceof IntervalValue) {
      return new IntervalValue(a.months + sign * b.months, a.days + sign * b.days, a.micros + sign * b.micros);
    }
    // timestamp - timestamp: whole days and the rest, as DuckDB.
    const diff = (a as number) - (b as number);
    const days = Math.trunc(diff / US_PER_DAY);
    return new IntervalValue(0, days, diff - days * US_PER_DAY);
  }
  throw new EvalError(`'${op}' on these types`);
}

/** Three-valued logic: false wins over null in `and`, true wins over null in `or`. */
export function andScalars(a: Scalar, b: Scalar): boolean | null {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

export function orScalars(a: Scalar, b: Scalar): boolean | null {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

export function notScalar(a: Scalar): boolean | null {
  return a === null ? null : !a;
}
