import type { ArithmeticOp } from '../ast.js';
import { negateScalar } from '../evaluate-typed.js';
import type { ExprType } from '../expr-type.js';
import { arithmeticScalars } from '../scalar-ops.js';
import type { ArithmeticTyping } from '../type-rules.js';
import { constOf } from './const-value.js';
import { andValid } from './masks.js';
import { rowwise } from './rowwise.js';
import { NULL_CONST, type Mask, type NumArray, type NumVec, type Value } from './values.js';

const SAFE = Number.MAX_SAFE_INTEGER;

/** A number the double loops can use: a num vector, or a constant that is a float or a safe integer. */
function fastNumber(v: Value): boolean {
  if (v.kind === 'num') return true;
  if (v.kind !== 'const') return false;
  return typeof v.value === 'number' || (typeof v.value === 'bigint' && v.value <= SAFE && v.value >= -SAFE);
}

/**
 * `a op b`. Floats, and integers within ±2^53, run in double loops (integers are checked for
 * leaving that range and then recomputed exactly in BigInt, where overflow is an error);
 * everything else (64-bit integers, decimals, dates and intervals) runs the scalar rule per row.
 * Null in, null out; `/ 0`, `// 0` and `% 0` are null.
 */
export function arithmetic(op: ArithmeticOp, a: Value, b: Value, typing: ArithmeticTyping, n: number): Value {
  if ((a.kind === 'const' && a.value === null) || (b.kind === 'const' && b.value === null)) return NULL_CONST;
  if (a.kind === 'const' && b.kind === 'const') return constOf(arithmeticScalars(op, a.value, b.value, typing));
  const { result } = typing;
  const exactInts = result === 'integer' && op !== '//' && op !== '/';
  if ((result === 'float' || exactInts) && fastNumber(a) && fastNumber(b)) {
    const out = doubleLoop(op, a, b, n);
    if (!exactInts) return out;
    // Operands small enough (Int32 columns, small constants) cannot leave ±2^53: no check needed.
    const bound = resultBound(op, boundOf(a), boundOf(b));
    if (bound <= SAFE) {
      out.bound = bound;
      return out;
    }
    if (withinSafe(out)) return out;
  }
  return rowwise([a, b], [typing.left, typing.right], result, n, ([x, y]) => arithmeticScalars(op, x, y, typing));
}

/** The largest magnitude an integer operand can have. */
function boundOf(v: Value): number {
  if (v.kind === 'const') return Math.abs(Number(v.value));
  if (v.kind !== 'num') return Infinity;
  const values = v.values;
  if (values instanceof Int8Array || values instanceof Uint8Array) return 255;
  if (values instanceof Int16Array || values instanceof Uint16Array) return 65535;
  if (values instanceof Int32Array || values instanceof Uint32Array) return 4294967296;
  return v.bound ?? Infinity;
}

function resultBound(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case '+': case '-': return a + b;
    case '*': return a * b;
    case '%': return Math.min(a, b);
    default: return Infinity;
  }
}

function withinSafe(v: NumVec): boolean {
  const values = v.values;
  const valid = v.valid;
  for (let i = 0; i < values.length; i++) if ((values[i] > SAFE || values[i] < -SAFE) && (!valid || valid[i])) return false;
  return true;
}

function doubleLoop(op: ArithmeticOp, a: Value, b: Value, n: number): NumVec {
  const out = new Float64Array(n);
  if (b.kind === 'const') {
    const s = Number(b.value);
    const av = a as NumVec;
    vectorConst(op, av.values, s, out, n);
    const valid = (op === '/' || op === '%') && s === 0 ? new Uint8Array(n) : av.valid;
    return num(out, valid);
  }
  const bv = b as NumVec;
  if (a.kind === 'const') {
    constVector(op, Number(a.value), bv.values, out, n);
    return num(out, divisorValid(op, bv.values, bv.valid, n));
  }
  const av = a as NumVec;
  vectorVector(op, av.values, bv.values, out, n);
  return num(out, andValid(av.valid, divisorValid(op, bv.values, bv.valid, n), n));
}

export function negate(a: Value, type: ExprType, n: number): Value {
  if (a.kind === 'const') return constOf(negateScalar(a.value));
  if (a.kind === 'num') {
    const out = new Float64Array(n);
    const v = a.values;
    for (let i = 0; i < n; i++) out[i] = -v[i];
    return num(out, a.valid);
  }
  return rowwise([a], [type], type, n, ([x]) => negateScalar(x));
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

// One loop per operator: a switch inside the loop would cost a branch per row.

function vectorConst(op: ArithmeticOp, a: NumArray, s: number, out: Float64Array, n: number): void {
  switch (op) {
    case '+': for (let i = 0; i < n; i++) out[i] = a[i] + s; break;
    case '-': for (let i = 0; i < n; i++) out[i] = a[i] - s; break;
    case '*': for (let i = 0; i < n; i++) out[i] = a[i] * s; break;
    case '/': for (let i = 0; i < n; i++) out[i] = a[i] / s; break;
    case '%': for (let i = 0; i < n; i++) out[i] = a[i] % s; break;
    case '//': for (let i = 0; i < n; i++) out[i] = Math.trunc(a[i] / s); break;
  }
}

function constVector(op: ArithmeticOp, s: number, b: NumArray, out: Float64Array, n: number): void {
  switch (op) {
    case '+': for (let i = 0; i < n; i++) out[i] = s + b[i]; break;
    case '-': for (let i = 0; i < n; i++) out[i] = s - b[i]; break;
    case '*': for (let i = 0; i < n; i++) out[i] = s * b[i]; break;
    case '/': for (let i = 0; i < n; i++) out[i] = s / b[i]; break;
    case '%': for (let i = 0; i < n; i++) out[i] = s % b[i]; break;
    case '//': for (let i = 0; i < n; i++) out[i] = Math.trunc(s / b[i]); break;
  }
}

function vectorVector(op: ArithmeticOp, a: NumArray, b: NumArray, out: Float64Array, n: number): void {
  switch (op) {
    case '+': for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
    case '-': for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
    case '*': for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
    case '/': for (let i = 0; i < n; i++) out[i] = a[i] / b[i]; break;
    case '%': for (let i = 0; i < n; i++) out[i] = a[i] % b[i]; break;
    case '//': for (let i = 0; i < n; i++) out[i] = Math.trunc(a[i] / b[i]); break;
  }
}
