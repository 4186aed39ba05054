import { internalError } from '../diagnostic.js';
import { changeCaseText } from '../functions.js';
import { andValid } from './masks.js';
import { entriesOf, gatherByKeys } from './per-entry.js';
import { utf8Of } from './const-value.js';
import { containsBytes, countCodepoints, decodeShortUtf8, encodeUtf8Into, equalBytes } from './utf8-bytes.js';
import type { ConstVal, NumVec, StrVec, Value } from './values.js';

/**
 * lower()/upper(). ASCII strings are mapped byte by byte; others go through changeCaseText (the
 * slow path, one character to one as in SQL). Dictionary columns map each entry once.
 */
export function changeCase(a: StrVec, upper: boolean, n: number): StrVec {
  if (a.keys) return { ...mapStrings(entriesOf(a), a.entries, upper), keys: a.keys, valid: a.valid };
  return { ...mapStrings(a, n, upper), valid: a.valid };
}

function mapStrings(a: StrVec, count: number, upper: boolean): StrVec {
  const { bytes, offsets } = a;
  const outOffsets = new Int32Array(count + 1);
  let out: Uint8Array = new Uint8Array(Math.max(16, offsets[count] - offsets[0]));
  let pos = 0;
  const [from, to] = upper ? [0x61, 0x7a] : [0x41, 0x5a];
  for (let k = 0; k < count; k++) {
    const s = offsets[k];
    const e = offsets[k + 1];
    let ascii = true;
    for (let p = s; p < e && ascii; p++) ascii = bytes[p] < 0x80;
    if (ascii) {
      if (pos + e - s > out.length) out = grow(out, pos + e - s);
      for (let p = s; p < e; p++) out[pos++] = bytes[p] >= from && bytes[p] <= to ? bytes[p] ^ 0x20 : bytes[p];
    } else {
      const text = decodeShortUtf8(bytes, s, e);
      const mapped = changeCaseText(text, upper);
      // Case mapping can change the length (ß -> SS); 3 bytes per UTF-16 unit always suffices.
      if (pos + mapped.length * 3 > out.length) out = grow(out, pos + mapped.length * 3);
      pos = encodeUtf8Into(mapped, out, pos);
    }
    outOffsets[k + 1] = pos;
  }
  return { kind: 'str', bytes: out, offsets: outOffsets, keys: null, entries: count, valid: null };
}

function grow(buf: Uint8Array, need: number): Uint8Array {
  const next = new Uint8Array(Math.max(need, buf.length * 2));
  next.set(buf);
  return next;
}

/** length(): code points per string, counted on the bytes. */
export function lengthOf(a: StrVec, n: number): NumVec {
  if (a.keys && a.entries < n) {
    return { kind: 'num', values: gatherByKeys(countRows(a.bytes, a.offsets, null, a.entries), a.keys, n), valid: a.valid };
  }
  return { kind: 'num', values: countRows(a.bytes, a.offsets, a.keys, n), valid: a.valid };
}

function countRows(bytes: Uint8Array, offsets: StrVec['offsets'], keys: StrVec['keys'], n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys ? keys[i] : i;
    out[i] = countCodepoints(bytes, offsets[k], offsets[k + 1]);
  }
  return out;
}

export type MatchFunction = 'starts_with' | 'ends_with' | 'contains';

/** starts_with / ends_with / contains on UTF-8 bytes (a byte prefix of UTF-8 is a character prefix). */
export function matchStrings(fn: MatchFunction, a: Value, b: Value, n: number): Value {
  const hay = asStrVec(a, n);
  const needle = asStrVec(b, n);
  let values: Uint8Array;
  if (b.kind === 'const' && hay.keys && hay.entries < n) {
    values = gatherByKeys(matchRows(fn, entriesOf(hay), broadcast(b, hay.entries), hay.entries), hay.keys, n);
  } else {
    values = matchRows(fn, hay, needle, n);
  }
  return { kind: 'bool', values, valid: andValid(hay.valid, needle.valid, n) };
}

function matchRows(fn: MatchFunction, a: StrVec, b: StrVec, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const { bytes: ab, offsets: ao, keys: ak } = a;
  const { bytes: bb, offsets: bo, keys: bk } = b;
  for (let i = 0; i < n; i++) {
    const ka = ak ? ak[i] : i;
    const kb = bk ? bk[i] : i;
    const as = ao[ka];
    const ae = ao[ka + 1];
    const bs = bo[kb];
    const be = bo[kb + 1];
    const len = be - bs;
    let hit: boolean;
    if (fn === 'contains') hit = containsBytes(ab, as, ae, bb, bs, be);
    else if (ae - as < len) hit = false;
    else if (fn === 'starts_with') hit = equalBytes(ab, as, as + len, bb, bs, be);
    else hit = equalBytes(ab, ae - len, ae, bb, bs, be);
    out[i] = hit ? 1 : 0;
  }
  return out;
}

function asStrVec(v: Value, n: number): StrVec {
  if (v.kind === 'const') return broadcast(v, n);
  if (v.kind !== 'str') throw internalError(`string function on ${v.kind}`);
  return v;
}

/** A constant string as a one-entry dictionary that every row points at. */
export function broadcast(c: ConstVal, n: number): StrVec {
  const utf8 = utf8Of(c);
  return { kind: 'str', bytes: utf8, offsets: Int32Array.of(0, utf8.length), keys: new Uint8Array(n), entries: 1, valid: null };
}
