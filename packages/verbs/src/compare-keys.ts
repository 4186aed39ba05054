import type { KeyValue } from './key-column.js';

/**
 * Orders two non-null keys of one column: numbers numerically, strings by code point (the
 * order of their UTF-8 bytes, as the expression language compares them), false before true.
 */
export function compareKeys(a: Exclude<KeyValue, null>, b: Exclude<KeyValue, null>): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  // Mixed types only happen for int64 keys beyond 2^53 (strings) next to smaller ones (numbers).
  return compareCodePoints(String(a), String(b));
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

// Surrogates (D800..DFFF) encode code points above FFFF, so they sort after E000..FFFF.
const rank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);
