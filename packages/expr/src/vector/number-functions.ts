import { internalError } from '../diagnostic.js';
import { roundHalfAway } from '../functions.js';
import type { NumVec, Value } from './values.js';

export function absolute(a: Value, n: number): NumVec {
  const v = numbers(a);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.abs(v.values[i]);
  return { kind: 'num', values: out, valid: v.valid };
}

/** round(x, digits) with halves away from zero; `digits` is a constant (the checker insists). */
export function round(a: Value, digits: number, n: number): NumVec {
  const v = numbers(a);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = roundHalfAway(v.values[i], digits);
  return { kind: 'num', values: out, valid: v.valid };
}

function numbers(a: Value): NumVec {
  if (a.kind !== 'num') throw internalError(`number function on ${a.kind}`);
  return a;
}
