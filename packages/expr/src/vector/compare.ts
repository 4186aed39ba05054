import type { ComparisonOp } from '../ast.js';
import type { ExprType } from '../expr-type.js';
import { compareScalars, orderOf, testOrder } from '../scalar-ops.js';
import { compareNumberColumns, compareNumbersToConst } from './compare-numbers.js';
import { compareStringColumns, compareStringsToConst } from './compare-strings.js';
import { constOf, utf8Of } from './const-value.js';
import { andValid } from './masks.js';
import { rowwise } from './rowwise.js';
import { NULL_CONST, type BoolVec, type ConstVal, type NumArray, type Value } from './values.js';

const FLIPPED: Record<ComparisonOp, ComparisonOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const SAFE = Number.MAX_SAFE_INTEGER;

/** A constant the double kernels compare exactly: a float, a boolean, or an integer within ±2^53. */
const doubleConst = (c: ConstVal) => typeof c.value === 'number' || typeof c.value === 'boolean' || (typeof c.value === 'bigint' && c.value <= SAFE && c.value >= -SAFE);

/**
 * `a op b` for two values already cast to one type (`type`). A constant on the left is moved
 * right by flipping the operator. Numbers, dates, timestamps and booleans held as doubles and
 * strings compare in typed loops; 64-bit integers beyond ±2^53 and decimals compare exactly per row.
 */
export function compareValues(op: ComparisonOp, a: Value, b: Value, type: ExprType, n: number): Value {
  if (a.kind === 'const') {
    return b.kind === 'const' ? constOf(compareScalars(op, a.value, b.value)) : compareValues(FLIPPED[op], b, a, type, n);
  }
  if (b.kind === 'const' && b.value === null) return NULL_CONST;
  if (a.kind === 'str') {
    if (b.kind === 'const' && typeof b.value === 'string') return bool(compareStringsToConst(op, a, utf8Of(b), n), a.valid);
    if (b.kind === 'str') return bool(compareStringColumns(op, a, b, n), andValid(a.valid, b.valid, n));
  }
  if (a.kind === 'num' || a.kind === 'bool') {
    if (b.kind === 'const' && doubleConst(b)) {
      const c = Number(b.value);
      return bool(sqlNaN(op, compareNumbersToConst(op, a.values, c, n), a.values, c, n), a.valid);
    }
    if (b.kind === 'num' || b.kind === 'bool') return bool(sqlNaN(op, compareNumberColumns(op, a.values, b.values, n), a.values, b.values, n), andValid(a.valid, b.valid, n));
  }
  return rowwise([a, b], [type, type], 'boolean', n, ([x, y]) => compareScalars(op, x, y));
}

const isFloat = (v: NumArray | number) => typeof v === 'number' || v instanceof Float64Array || v instanceof Float32Array;

/**
 * SQL orders NaN above every number and equal to itself (IEEE says every comparison with NaN is
 * false): rows holding a NaN are redone by the scalar rule. Integer arrays cannot hold NaN.
 */
function sqlNaN(op: ComparisonOp, out: Uint8Array, a: NumArray, b: NumArray | number, n: number): Uint8Array {
  if (!isFloat(a) && !isFloat(b)) return out;
  if (typeof b === 'number') {
    // A constant that is not NaN is handled inside compareNumbersToConst's loops.
    if (b !== b) for (let i = 0; i < n; i++) out[i] = testOrder(op, orderOf(a[i], b)) ? 1 : 0;
    return out;
  }
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== x || y !== y) out[i] = testOrder(op, orderOf(x, y)) ? 1 : 0;
  }
  return out;
}

function bool(values: Uint8Array, valid: BoolVec['valid']): BoolVec {
  return { kind: 'bool', values, valid };
}
