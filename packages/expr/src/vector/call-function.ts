import type { ExprType } from '../expr-type.js';
import type { FunctionSpec } from '../functions.js';
import { coalesce } from './coalesce.js';
import { rowwise } from './rowwise.js';
import { changeCase, lengthOf, matchStrings } from './string-functions.js';
import { NULL_CONST, type Value } from './values.js';

/**
 * A function over one batch. A few hot functions have byte-level kernels; every other one (and
 * every argument shape those kernels do not cover) runs the function's scalar implementation row
 * by row, so any argument may be a column or a constant. Calls whose arguments are all constant
 * never get here: the compiler folds them with the scalar evaluator.
 */
export function callFunction(spec: FunctionSpec, args: Value[], argTypes: ExprType[], resultType: ExprType, n: number): Value {
  if (!spec.handlesNulls && args.some((a) => a.kind === 'const' && a.value === null)) return NULL_CONST;
  const [a, b] = args;
  switch (spec.name) {
    case 'coalesce':
      if (args.every((x) => (x.kind === 'const' ? plainConst(x.value) : x.kind === 'num' || x.kind === 'str' || x.kind === 'bool')) && resultType !== 'unknown') {
        return coalesce(args, resultType, n);
      }
      break;
    case 'lower':
    case 'upper':
      if (a.kind === 'str') return changeCase(a, spec.name === 'upper', n);
      break;
    case 'length':
      if (a.kind === 'str') return lengthOf(a, n);
      break;
    case 'starts_with':
    case 'ends_with':
    case 'contains':
      if (a.kind === 'str' && (b.kind === 'str' || b.kind === 'const')) return matchStrings(spec.name, a, b, n);
      break;
  }
  return rowwise(args, argTypes, resultType, n, (values) => spec.scalar(values, argTypes, resultType), spec.handlesNulls);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const plainConst = (v: unknown) => v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'bigint' && v <= SAFE && v >= -SAFE);
