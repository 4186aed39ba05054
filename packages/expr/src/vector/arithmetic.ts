import type { ArithmeticOp } from '../ast.js';
import { internalError } from '../diagnostic.js';
import { arithmeticScalars } from '../scalar-ops.js';
import { constOf } from './const-value.js';
import { andValid } from './masks.js';
import { NULL_CONST, type Mask, type NumArray, type NumVec, type Value } from './values.js';

/** `a op b` on numbers, into float64. Null in, null out; x / 0 and x % 0 are null, as in SQL. */
export function arithmetic(op: ArithmeticOp, a: Value, b: Value, n: number): Value {
  if (a.kind === 'const' && b.kind === 'const') return constOf(arithmeticScalars(op, a.value, b.value));
  if ((a.kind === 'const' && a.value === null) || (b.kind === 'const' && b.value === null)) return NULL_CONST;
  if (a.kind === 'str' || b.kind === 'str') throw internalError('arithmetic on strings');
  const out = new Float64Array(n);
  if (b.kind === 'const') {
    if (a.kind === 'const') throw internalError('unreachable');
    vectorConst(op, a.values, b.value as number, out, n);
    const valid = (op === '/' || op === '%') && b.value === 0 ? new Uint8Array(n) : a.valid;
    return num(out, valid);
  }
  if (a.kind === 'const') {
    constVector(op, a.value as number, b.values, out, n);
    return num(out, divisorValid(op, b.values, b.valid, n));
  }
  vectorVector(op, a.values, b.values, out, n);
  return num(out, andValid(a.valid, divisorValid(op, b.values, b.valid, n), n));
}

export function negate(a: Value, n: number): Value {
  if (a.kind === 'const') return constOf(a.value === null ? null : -(a.value as number));
  if (a.kind === 'str') throw internalError('negating a string');
  const out = new Float64Array(n);
  const v = a.values;
  for (let i = 0; i < n; i++) out[i] = -v[i];
  return num(out, a.valid);
}

function num(values: Float64Array, valid: Mask | null): NumVec {
  return { kind: 'num', values, valid };
}

/** For / and %: rows whose divisor is 0 become null. */
function divisorValid(op: ArithmeticOp, divisor: NumArray, valid: Mask | null, n: number): Mask | null {
  if (op !== '/' && op !== '%') return valid;
  let out: Mask | null = null;
  for (let i = 0; i < n; i++) {
    if (divisor[i] !== 0) continue;
    out ??= valid ? valid.slice() : new Uint8Array(n).fill(1);
    out[i] = 0;
  }
  return out ?? valid;
}

function vectorConst(op: ArithmeticOp, a: NumArray, s: number, out: Float64Array, n: number): void {
  switch (op) {
    case '+': for (let i = 0; i < n; i++) out[i] = a[i] + s; break;
    case '-': for (let i = 0; i < n; i++) out[i] = a[i] - s; break;
    case '*': for (let i = 0; i < n; i++) out[i] = a[i] * s; break;
    case '/': for (let i = 0; i < n; i++) out[i] = a[i] / s; break;
    case '%': for (let i = 0; i < n; i++) out[i] = a[i] % s; break;
  }
}

function constVector(op: ArithmeticOp, s: number, b: NumArray, out: Float64Array, n: number): void {
  switch (op) {
    case '+': for (let i = 0; i < n; i++) out[i] = s + b[i]; break;
    case '-': for (let i = 0; i < n; i++) out[i] = s - b[i]; break;
    case '*': for (let i = 0; i < n; i++) out[i] = s * b[i]; break;
    case '/': for (let i = 0; i < n; i++) out[i] = s / b[i]; break;
    case '%': for (let i = 0; i < n; i++) out[i] = s % b[i]; break;
  }
}

function vectorVector(op: ArithmeticOp, a: NumArray, b: NumArray, out: Float64Array, n: number): void {
  switch (op) {
    case '+': for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
    case '-': for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
    case '*': for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
    case '/': for (let i = 0; i < n; i++) out[i] = a[i] / b[i]; break;
    case '%': for (let i = 0; i < n; i++) out[i] = a[i] % b[i]; break;
  }
}
