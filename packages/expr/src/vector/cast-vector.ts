import type { ExprType } from '../expr-type.js';
import { castScalar } from '../scalar/cast.js';
import { US_PER_DAY } from '../scalar/datetime.js';
import { EvalError } from '../scalar/eval-error.js';
import type { Scalar } from '../scalar/values.js';
import { constOf } from './const-value.js';
import { rowwise } from './rowwise.js';
import type { Value } from './values.js';

/**
 * A value converted to another type: integers to floats and dates to timestamps in one loop,
 * every other pair through castScalar per row. With `tryCast`, a value that cannot be converted
 * becomes null instead of failing the batch.
 */
export function castVector(v: Value, from: ExprType, to: ExprType, n: number, tryCast: boolean): Value {
  if (from === to) return v;
  const one = (x: Scalar): Scalar => {
    try {
      return castScalar(x, from, to);
    } catch (e) {
      if (tryCast && e instanceof EvalError) return null;
      throw e;
    }
  };
  if (v.kind === 'const') return constOf(v.value === null ? null : one(v.value));
  if (from === 'integer' && to === 'float') {
    if (v.kind === 'num') return v;
    if (v.kind === 'big') return { kind: 'num', values: Float64Array.from(v.values, Number), valid: v.valid };
  }
  if (from === 'date' && to === 'timestamp' && v.kind === 'num') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = v.values[i] * US_PER_DAY;
    return { kind: 'num', values: out, valid: v.valid };
  }
  return rowwise([v], [from], to, n, ([x]) => one(x));
}
