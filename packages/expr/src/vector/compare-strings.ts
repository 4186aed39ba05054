import type { ComparisonOp } from '../ast.js';
import { testOrder } from '../scalar-ops.js';
import { compareBytes, equalBytes } from './utf8-bytes.js';
import { gatherByKeys } from './per-entry.js';
import type { StrVec } from './values.js';

/** Compares a string column with a constant, byte by byte; dictionary entries are compared once each. */
export function compareStringsToConst(op: ComparisonOp, a: StrVec, lit: Uint8Array, n: number): Uint8Array {
  if (a.keys && a.entries < n) {
    return gatherByKeys(compareRowsToConst(op, a.bytes, a.offsets, null, a.entries, lit), a.keys, n);
  }
  return compareRowsToConst(op, a.bytes, a.offsets, a.keys, n, lit);
}

function compareRowsToConst(op: ComparisonOp, bytes: Uint8Array, offsets: StrVec['offsets'], keys: StrVec['keys'], n: number, lit: Uint8Array): Uint8Array {
  const out = new Uint8Array(n);
  const ll = lit.length;
  if (op === '==' || op === '!=') {
    const hit = op === '==' ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const k = keys ? keys[i] : i;
      out[i] = equalBytes(bytes, offsets[k], offsets[k + 1], lit, 0, ll) ? hit : 1 - hit;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const k = keys ? keys[i] : i;
    out[i] = testOrder(op, compareBytes(bytes, offsets[k], offsets[k + 1], lit, 0, ll)) ? 1 : 0;
  }
  return out;
}

export function compareStringColumns(op: ComparisonOp, a: StrVec, b: StrVec, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const ka = a.keys ? a.keys[i] : i;
    const kb = b.keys ? b.keys[i] : i;
    const order = compareBytes(a.bytes, a.offsets[ka], a.offsets[ka + 1], b.bytes, b.offsets[kb], b.offsets[kb + 1]);
    out[i] = testOrder(op, order) ? 1 : 0;
  }
  return out;
}
