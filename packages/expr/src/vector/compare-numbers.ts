import type { ComparisonOp } from '../ast.js';
import type { NumArray } from './values.js';

// One loop per operator: a switch inside the loop would cost a branch per row.

/** Row-by-row comparison of a numeric column with a constant (not NaN); 1 where it holds, NaN ordered as in SQL. */
export function compareNumbersToConst(op: ComparisonOp, a: NumArray, constant: number, n: number): Uint8Array {
  // Compare a float32 column with the float32 nearest the literal, so `price == 0.1` matches 0.1f.
  const s = a instanceof Float32Array ? Math.fround(constant) : constant;
  const out = new Uint8Array(n);
  // SQL puts NaN above every number. Against a constant that is not NaN, only > and >= differ
  // from IEEE, and writing them negated (!(x <= s)) makes NaN rows true in the same single loop.
  switch (op) {
    case '==': for (let i = 0; i < n; i++) out[i] = a[i] === s ? 1 : 0; break;
    case '!=': for (let i = 0; i < n; i++) out[i] = a[i] !== s ? 1 : 0; break;
    case '<': for (let i = 0; i < n; i++) out[i] = a[i] < s ? 1 : 0; break;
    case '<=': for (let i = 0; i < n; i++) out[i] = a[i] <= s ? 1 : 0; break;
    case '>': for (let i = 0; i < n; i++) out[i] = a[i] <= s ? 0 : 1; break;
    case '>=': for (let i = 0; i < n; i++) out[i] = a[i] < s ? 0 : 1; break;
  }
  return out;
}

export function compareNumberColumns(op: ComparisonOp, a: NumArray, b: NumArray, n: number): Uint8Array {
  const out = new Uint8Array(n);
  switch (op) {
    case '==': for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0; break;
    case '!=': for (let i = 0; i < n; i++) out[i] = a[i] !== b[i] ? 1 : 0; break;
    case '<': for (let i = 0; i < n; i++) out[i] = a[i] < b[i] ? 1 : 0; break;
    case '<=': for (let i = 0; i < n; i++) out[i] = a[i] <= b[i] ? 1 : 0; break;
    case '>': for (let i = 0; i < n; i++) out[i] = a[i] > b[i] ? 1 : 0; break;
    case '>=': for (let i = 0; i < n; i++) out[i] = a[i] >= b[i] ? 1 : 0; break;
  }
  return out;
}
