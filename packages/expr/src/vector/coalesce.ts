import type { ExprType } from '../expr-type.js';
import { broadcast } from './string-functions.js';
import type { Mask, StrVec, Value } from './values.js';

/** coalesce(a, b, ...): per row, the first argument that is not null. */
export function coalesce(args: Value[], type: ExprType, n: number): Value {
  const live = args.filter((a) => !(a.kind === 'const' && a.value === null));
  if (live.length === 0) return { kind: 'const', value: null };
  // The first argument with no nulls ends the search: later ones are never reached.
  const last = live.findIndex((a) => a.kind === 'const' || !a.valid);
  const used = last === -1 ? live : live.slice(0, last + 1);
  if (used.length === 1) return used[0];
  return type === 'string' ? coalesceStrings(used, n) : coalesceFixed(used, type === 'boolean', n);
}

/** Numbers, times and booleans: copy each row from the first argument that has it. */
function coalesceFixed(args: Value[], isBool: boolean, n: number): Value {
  const values = isBool ? new Uint8Array(n) : new Float64Array(n);
  const valid = new Uint8Array(n);
  for (const arg of args) {
    if (arg.kind === 'const') {
      const c = Number(arg.value);
      for (let i = 0; i < n; i++) {
        if (valid[i]) continue;
        values[i] = c;
        valid[i] = 1;
      }
      break;
    }
    if (arg.kind !== 'num' && arg.kind !== 'bool') continue;
    const v = arg.values;
    const m = arg.valid;
    for (let i = 0; i < n; i++) {
      if (valid[i] || (m && !m[i])) continue;
      values[i] = v[i];
      valid[i] = 1;
    }
  }
  return isBool ? { kind: 'bool', values: values as Uint8Array, valid } : { kind: 'num', values, valid };
}

/** Strings: pick a source per row, then copy the chosen bytes into one new column. */
function coalesceStrings(args: Value[], n: number): StrVec {
  const sources = args.map((a) => (a.kind === 'const' ? broadcast(a, n) : (a as StrVec)));
  const chosen = new Int8Array(n).fill(-1);
  for (let s = 0; s < sources.length; s++) {
    const m = sources[s].valid;
    for (let i = 0; i < n; i++) if (chosen[i] < 0 && (!m || m[i])) chosen[i] = s;
  }
  const offsets = new Int32Array(n + 1);
  const valid: Mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const src = sources[chosen[i]];
    const k = src ? keyOf(src, i) : 0;
    offsets[i + 1] = offsets[i] + (src ? src.offsets[k + 1] - src.offsets[k] : 0);
    valid[i] = src ? 1 : 0;
  }
  const bytes = new Uint8Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    const src = sources[chosen[i]];
    if (!src) continue;
    const k = keyOf(src, i);
    const from = src.bytes;
    for (let p = src.offsets[k], q = offsets[i]; q < offsets[i + 1]; p++, q++) bytes[q] = from[p];
  }
  return { kind: 'str', bytes, offsets, keys: null, entries: n, valid };
}

const keyOf = (src: StrVec, i: number) => (src.keys ? src.keys[i] : i);
