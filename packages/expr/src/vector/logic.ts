import { internalError } from '../diagnostic.js';
import { andScalars, notScalar, orScalars } from '../scalar-ops.js';
import { constOf } from './const-value.js';
import type { BoolVec, Value } from './values.js';

/**
 * Three-valued `and`/`or`: a row is known (valid) when both sides are known or when one side alone
 * decides it (false for `and`, true for `or`).
 */
export function andOr(op: 'and' | 'or', a: Value, b: Value, n: number): Value {
  if (a.kind === 'const' && b.kind === 'const') return constOf(op === 'and' ? andScalars(a.value, b.value) : orScalars(a.value, b.value));
  if (a.kind === 'const') return withConst(op, asBool(b), a.value, n);
  if (b.kind === 'const') return withConst(op, asBool(a), b.value, n);
  return op === 'and' ? andVectors(asBool(a), asBool(b), n) : orVectors(asBool(a), asBool(b), n);
}

export function not(a: Value, n: number): Value {
  if (a.kind === 'const') return constOf(notScalar(a.value));
  const v = asBool(a).values;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = v[i] ^ 1;
  return { kind: 'bool', values: out, valid: a.valid };
}

/** `x is null` / `x is not null`: always known. */
export function isNull(a: Value, negated: boolean, n: number): Value {
  if (a.kind === 'const') return constOf((a.value === null) !== negated);
  const out = new Uint8Array(n);
  if (a.valid) for (let i = 0; i < n; i++) out[i] = negated ? a.valid[i] : a.valid[i] ^ 1;
  else if (negated) out.fill(1);
  return { kind: 'bool', values: out, valid: null };
}

function asBool(v: Value): BoolVec {
  if (v.kind !== 'bool') throw internalError(`logic on ${v.kind}`);
  return v;
}

function withConst(op: 'and' | 'or', v: BoolVec, c: unknown, n: number): Value {
  // The constant decides alone (false and x, true or x) or leaves x as it is (true and x, false or x).
  if (c === (op === 'or')) return constOf(c as boolean);
  if (c !== null) return v;
  // Null: rows where x decides stay known; all others become null.
  const decides = op === 'and' ? 0 : 1;
  const valid = new Uint8Array(n);
  const vv = v.values;
  for (let i = 0; i < n; i++) valid[i] = (vv[i] === decides ? 1 : 0) & (v.valid ? v.valid[i] : 1);
  return { kind: 'bool', values: vv, valid };
}

function andVectors(a: BoolVec, b: BoolVec, n: number): BoolVec {
  const av = a.values;
  const bv = b.values;
  const values = new Uint8Array(n);
  for (let i = 0; i < n; i++) values[i] = av[i] & bv[i];
  if (!a.valid && !b.valid) return { kind: 'bool', values, valid: null };
  const valid = new Uint8Array(n);
  const am = a.valid;
  const bm = b.valid;
  for (let i = 0; i < n; i++) {
    const ak = am ? am[i] : 1;
    const bk = bm ? bm[i] : 1;
    // Known if both known, or either is a known false.
    valid[i] = (ak & bk) | (ak & (av[i] ^ 1)) | (bk & (bv[i] ^ 1));
    values[i] &= ak & bk;
  }
  return { kind: 'bool', values, valid };
}

function orVectors(a: BoolVec, b: BoolVec, n: number): BoolVec {
  const av = a.values;
  const bv = b.values;
  const values = new Uint8Array(n);
  if (!a.valid && !b.valid) {
    for (let i = 0; i < n; i++) values[i] = av[i] | bv[i];
    return { kind: 'bool', values, valid: null };
  }
  const valid = new Uint8Array(n);
  const am = a.valid;
  const bm = b.valid;
  for (let i = 0; i < n; i++) {
    const at = (am ? am[i] : 1) & av[i];
    const bt = (bm ? bm[i] : 1) & bv[i];
    values[i] = at | bt;
    // Known if both known, or either is a known true.
    valid[i] = ((am ? am[i] : 1) & (bm ? bm[i] : 1)) | at | bt;
  }
  return { kind: 'bool', values, valid };
}
