import { internalError } from '../diagnostic.js';
import { isDecimal, type ExprType } from '../expr-type.js';
import type { Scalar } from '../scalar/values.js';
import { decodeShortUtf8, encodeUtf8Into } from './utf8-bytes.js';
import type { Mask, Value } from './values.js';

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Row i of a value as the scalar evaluator has it (integers as bigint, strings decoded), or
 * null. The generic path of the vector evaluator: every function without a specialised kernel
 * runs its scalar implementation through these, so the two evaluators cannot disagree.
 */
export function rowGetter(v: Value, type: ExprType, n: number): (i: number) => Scalar {
  if (v.kind === 'const') {
    const c = v.value;
    return () => c;
  }
  const valid = v.valid;
  switch (v.kind) {
    case 'num': {
      const values = v.values;
      if (type === 'integer') return (i) => (valid && !valid[i] ? null : BigInt(values[i]));
      return (i) => (valid && !valid[i] ? null : values[i]);
    }
    case 'big': {
      const values = v.values;
      return (i) => (valid && !valid[i] ? null : values[i]);
    }
    case 'bool': {
      const values = v.values;
      return (i) => (valid && !valid[i] ? null : values[i] === 1);
    }
    case 'obj': {
      const values = v.values;
      return (i) => (valid && !valid[i] ? null : values[i]);
    }
    case 'str': {
      const { bytes, offsets, keys } = v;
      // Dictionary entries are decoded once each.
      const decoded = keys ? new Array<string | undefined>(v.entries) : null;
      return (i) => {
        if (valid && !valid[i]) return null;
        const k = keys ? keys[i] : i;
        if (decoded) {
          let s = decoded[k];
          if (s === undefined) decoded[k] = s = decodeShortUtf8(bytes, offsets[k], offsets[k + 1]);
          return s;
        }
        return decodeShortUtf8(bytes, offsets[k], offsets[k + 1]);
      };
    }
  }
  throw internalError(`rowGetter on ${n}`);
}

/** Collects one scalar per row into the vector representation of `type`. */
export function buildValue(type: ExprType, n: number, row: (i: number) => Scalar): Value {
  const valid: Mask = new Uint8Array(n);
  let nulls = 0;
  const mask = () => (nulls === 0 ? null : valid);
  switch (type) {
    case 'integer': {
      const values = new Float64Array(n);
      let big: BigInt64Array | null = null;
      for (let i = 0; i < n; i++) {
        const v = row(i);
        if (v === null) { nulls++; continue; }
        valid[i] = 1;
        const b = v as bigint;
        if (big) big[i] = b;
        else if (b > SAFE || b < -SAFE) {
          big = BigInt64Array.from(values, (x) => BigInt(x));
          big[i] = b;
        } else values[i] = Number(b);
      }
      return big ? { kind: 'big', values: big, valid: mask() } : { kind: 'num', values, valid: mask() };
    }
    case 'float':
    case 'date':
    case 'timestamp': {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = row(i);
        if (v === null) nulls++;
        else { valid[i] = 1; values[i] = v as number; }
      }
      return { kind: 'num', values, valid: mask() };
    }
    case 'boolean': {
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = row(i);
        if (v === null) nulls++;
        else { valid[i] = 1; values[i] = v ? 1 : 0; }
      }
      return { kind: 'bool', values, valid: mask() };
    }
    case 'string': {
      const offsets = new Int32Array(n + 1);
      let bytes = new Uint8Array(Math.max(64, n * 8));
      let pos = 0;
      for (let i = 0; i < n; i++) {
        const v = row(i);
        if (v === null) nulls++;
        else {
          valid[i] = 1;
          const s = v as string;
          if (pos + s.length * 3 > bytes.length) {
            const next = new Uint8Array(Math.max(bytes.length * 2, pos + s.length * 3));
            next.set(bytes.subarray(0, pos));
            bytes = next;
          }
          pos = encodeUtf8Into(s, bytes, pos);
        }
        offsets[i + 1] = pos;
      }
      return { kind: 'str', bytes: bytes.subarray(0, pos), offsets, keys: null, entries: n, valid: mask() };
    }
    case 'null':
    case 'unknown':
      return { kind: 'const', value: null };
  }
  if (isDecimal(type) || type === 'interval') {
    const values = new Array<Scalar>(n);
    for (let i = 0; i < n; i++) {
      const v = row(i);
      values[i] = v;
      if (v === null) nulls++;
      else valid[i] = 1;
    }
    return { kind: 'obj', values, valid: mask() };
  }
  throw internalError(`buildValue for ${type}`);
}

/** f over rows where every argument is non-null (unless `nulls`), the generic kernel of a function. */
export function rowwise(args: Value[], types: ExprType[], result: ExprType, n: number, f: (values: Scalar[]) => Scalar, nulls = false): Value {
  const getters = args.map((a, i) => rowGetter(a, types[i], n));
  const buf: Scalar[] = new Array<Scalar>(args.length);
  return buildValue(result, n, (i) => {
    for (let k = 0; k < getters.length; k++) {
      const v = getters[k](i);
      if (v === null && !nulls) return null;
      buf[k] = v;
    }
    return f(buf.slice());
  });
}
