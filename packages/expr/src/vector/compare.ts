import type { ComparisonOp } from '../ast.js';
import { internalError } from '../diagnostic.js';
import { compareScalars } from '../scalar-ops.js';
import { compareNumberColumns, compareNumbersToConst } from './compare-numbers.js';
import { compareStringColumns, compareStringsToConst } from './compare-strings.js';
import { constOf, utf8Of } from './const-value.js';
import { andValid } from './masks.js';
import { NULL_CONST, type BoolVec, type Value } from './values.js';

const FLIPPED: Record<ComparisonOp, ComparisonOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * `a op b` for two values of one type (the checker saw to that; temporal constants were already
 * turned into milliseconds). A constant on the left is moved right by flipping the operator.
 */
export function compareValues(op: ComparisonOp, a: Value, b: Value, n: number): Value {
  if (a.kind === 'const') {
    return b.kind === 'const' ? constOf(compareScalars(op, a.value, b.value)) : compareValues(FLIPPED[op], b, a, n);
  }
  if (b.kind === 'const' && b.value === null) return NULL_CONST;
  if (a.kind === 'str') {
    if (b.kind === 'const') return bool(compareStringsToConst(op, a, utf8Of(b), n), a.valid);
    if (b.kind !== 'str') throw internalError(`comparing a string with ${b.kind}`);
    return bool(compareStringColumns(op, a, b, n), andValid(a.valid, b.valid, n));
  }
  // Numbers, times and booleans (as 0/1) share the numeric kernels.
  if (b.kind === 'const') return bool(compareNumbersToConst(op, a.values, Number(b.value), n), a.valid);
  if (b.kind === 'str') throw internalError(`comparing ${a.kind} with a string`);
  return bool(compareNumberColumns(op, a.values, b.values, n), andValid(a.valid, b.valid, n));
}

function bool(values: Uint8Array, valid: BoolVec['valid']): BoolVec {
  return { kind: 'bool', values, valid };
}
