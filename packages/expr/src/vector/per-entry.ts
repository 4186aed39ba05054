import type { KeyArray, StrVec } from './values.js';

/**
 * Row results from per-entry results of a dictionary column. Keys of null rows may point anywhere
 * (even past the end); those rows read 0/undefined here and are masked by validity anyway.
 */
export function gatherByKeys<T extends Uint8Array | Float64Array>(perEntry: T, keys: KeyArray, n: number): T {
  const out = new (perEntry.constructor as new (n: number) => T)(n);
  for (let i = 0; i < n; i++) out[i] = perEntry[keys[i]];
  return out;
}

/** The dictionary of a string column as a plain column of its entries (no keys, no nulls). */
export function entriesOf(a: StrVec): StrVec {
  return { kind: 'str', bytes: a.bytes, offsets: a.offsets, keys: null, entries: a.entries, valid: null };
}
