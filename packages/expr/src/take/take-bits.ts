import type { Data } from 'apache-arrow';

/** Gathers bits (a validity bitmap or Bool values) that start at bit `offset`; returns the packed bits and how many are set. */
export function takeBits(bits: Uint8Array, offset: number, indices: Uint32Array): { bits: Uint8Array; ones: number } {
  const k = indices.length;
  // Padded to 8 bytes, as the Arrow format recommends for buffers.
  const out = new Uint8Array(((k + 63) >> 6) << 3);
  let ones = 0;
  for (let j = 0; j < k; j++) {
    const p = offset + indices[j];
    if ((bits[p >> 3] >> (p & 7)) & 1) {
      out[j >> 3] |= 1 << (j & 7);
      ones++;
    }
  }
  return { bits: out, ones };
}

/** Validity for the gathered rows: no bitmap at all when the source has no nulls. */
export function takeValidity(data: Data, indices: Uint32Array): { nullBitmap?: Uint8Array; nullCount: number } {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return { nullCount: 0 };
  const { bits, ones } = takeBits(data.nullBitmap, data.offset, indices);
  return { nullBitmap: bits, nullCount: indices.length - ones };
}
