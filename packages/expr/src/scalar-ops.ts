import type { ArithmeticOp, ComparisonOp } from './ast.js';

/** A value while evaluating without Arrow data. Temporal values are epoch milliseconds. */
export type Scalar = number | string | boolean | null;

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

/** SQL comparison: null when either side is null. Both sides already have the same type (checked). */
export function compareScalars(op: ComparisonOp, a: Scalar, b: Scalar): boolean | null {
  if (a === null || b === null) return null;
  const order = typeof a === 'string' ? compareStrings(a, b as string) : Number(a) - Number(b);
  return testOrder(op, order);
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

/** Null in, null out; dividing by zero gives null rather than Infinity, as in SQL. */
export function arithmeticScalars(op: ArithmeticOp, a: Scalar, b: Scalar): number | null {
  if (a === null || b === null) return null;
  const x = a as number;
  const y = b as number;
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return y === 0 ? null : x / y;
    case '%': return y === 0 ? null : x % y;
  }
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
