import type { Mask } from './values.js';

/** One byte per row from an Arrow bitmap (validity or Bool values), starting at bit `offset`. */
export function unpackBits(bits: Uint8Array, offset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if ((offset & 7) === 0) {
    // Aligned: whole bytes at a time.
    const base = offset >> 3;
    const full = n >> 3;
    for (let b = 0; b < full; b++) {
      const byte = bits[base + b];
      const o = b << 3;
      out[o] = byte & 1;
      out[o + 1] = (byte >> 1) & 1;
      out[o + 2] = (byte >> 2) & 1;
      out[o + 3] = (byte >> 3) & 1;
      out[o + 4] = (byte >> 4) & 1;
      out[o + 5] = (byte >> 5) & 1;
      out[o + 6] = (byte >> 6) & 1;
      out[o + 7] = (byte >> 7) & 1;
    }
    for (let i = full << 3; i < n; i++) out[i] = (bits[base + (i >> 3)] >> (i & 7)) & 1;
    return out;
  }
  for (let i = 0; i < n; i++) {
    const p = offset + i;
    out[i] = (bits[p >> 3] >> (p & 7)) & 1;
  }
  return out;
}

/** Valid where both are valid; null (no nulls) only when both are null. */
export function andValid(a: Mask | null, b: Mask | null, n: number): Mask | null {
  if (!a) return b;
  if (!b) return a;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i] & b[i];
  return out;
}

/** The indices of rows that are valid and true: the rows a filter keeps. */
export function maskToIndices(values: Uint8Array, valid: Mask | null, n: number): Uint32Array {
  let count = 0;
  if (valid) for (let i = 0; i < n; i++) count += values[i] & valid[i];
  else for (let i = 0; i < n; i++) count += values[i];
  const out = new Uint32Array(count);
  let j = 0;
  if (valid) {
    for (let i = 0; i < n; i++) if (values[i] & valid[i]) out[j++] = i;
  } else {
    for (let i = 0; i < n; i++) if (values[i]) out[j++] = i;
  }
  return out;
}

export function allIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
