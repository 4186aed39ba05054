import { compareValues } from './compare.js';
import { utf8Of } from './const-value.js';
import { andOr, not } from './logic.js';
import { equalBytes } from './utf8-bytes.js';
import { gatherByKeys } from './per-entry.js';
import type { ExprType } from '../expr-type.js';
import type { BoolVec, ConstVal, Mask, NumArray, NumVec, StrVec, Value } from './values.js';

/**
 * `x in (...)` with SQL nulls: true on a match; otherwise null if the list holds a null, else
 * false. A list of constants is one pass over the column; anything else is a chain of `==` / `or`.
 */
export function inList(operand: Value, items: Value[], type: ExprType, negated: boolean, n: number): Value {
  const constants = items.every((v): v is ConstVal => v.kind === 'const');
  const fast = operand.kind === 'str' || ((operand.kind === 'num' || operand.kind === 'bool') && items.every((c) => c.kind === 'const' && plainNumber(c.value)));
  if (operand.kind === 'const' || !constants || !fast) {
    let acc = compareValues('==', operand, items[0], type, n);
    for (const item of items.slice(1)) acc = andOr('or', acc, compareValues('==', operand, item, type, n), n);
    return negated ? not(acc, n) : acc;
  }
  const listed = items.filter((c) => c.value !== null);
  const hasNull = listed.length < items.length;
  const hits = operand.kind === 'str' ? stringHits(operand, listed, n) : numberHits((operand as NumVec | BoolVec).values, listed.map((c) => Number(c.value)), n);
  const result: BoolVec = { kind: 'bool', values: hits, valid: hasNull ? knownWhereHit(hits, operand.valid, n) : operand.valid };
  return negated ? not(result, n) : result;
}

const plainNumber = (v: unknown) => v === null || typeof v === 'number' || typeof v === 'boolean'
  || (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER));

function knownWhereHit(hits: Uint8Array, valid: Mask | null, n: number): Mask {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = hits[i] & (valid ? valid[i] : 1);
  return out;
}

function numberHits(a: NumArray, list: number[], n: number): Uint8Array {
  const wanted = a instanceof Float32Array ? list.map(Math.fround) : list;
  const out = new Uint8Array(n);
  if (wanted.length <= 8) {
    const m = wanted.length;
    for (let i = 0; i < n; i++) {
      const x = a[i];
      for (let j = 0; j < m; j++) {
        if (x === wanted[j]) {
          out[i] = 1;
          break;
        }
      }
    }
    return out;
  }
  const set = new Set(wanted);
  for (let i = 0; i < n; i++) out[i] = set.has(a[i]) ? 1 : 0;
  return out;
}

function stringHits(a: StrVec, list: ConstVal[], n: number): Uint8Array {
  const literals = list.map(utf8Of);
  if (a.keys && a.entries < n) return gatherByKeys(stringRowHits(a, null, a.entries, literals), a.keys, n);
  return stringRowHits(a, a.keys, n, literals);
}

function stringRowHits(a: StrVec, keys: StrVec['keys'], n: number, literals: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(n);
  const { bytes, offsets } = a;
  for (let i = 0; i < n; i++) {
    const k = keys ? keys[i] : i;
    const s = offsets[k];
    const e = offsets[k + 1];
    for (const lit of literals) {
      if (equalBytes(bytes, s, e, lit, 0, lit.length)) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}
