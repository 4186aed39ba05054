/** Byte-level string helpers: kernels compare UTF-8 in place instead of making a JS string per cell. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/** Sign of a - b in byte order, which for UTF-8 is code point order. */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  for (let k = 0; k < n; k++) {
    const d = a[as + k] - b[bs + k];
    if (d !== 0) return d;
  }
  return la - lb;
}

export function equalBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let k = 0; as + k < ae; k++) if (a[as + k] !== b[bs + k]) return false;
  return true;
}

/** Does `needle[ns..ne)` occur in `hay[hs..he)`? Naive scan: needles in conditions are short. */
export function containsBytes(hay: Uint8Array, hs: number, he: number, needle: Uint8Array, ns: number, ne: number): boolean {
  const len = ne - ns;
  if (len === 0) return true;
  const first = needle[ns];
  for (let p = hs; p + len <= he; p++) {
    if (hay[p] !== first) continue;
    let k = 1;
    while (k < len && hay[p + k] === needle[ns + k]) k++;
    if (k === len) return true;
  }
  return false;
}

/** Characters (code points): every byte that does not continue a multi-byte sequence starts one. */
export function countCodepoints(bytes: Uint8Array, start: number, end: number): number {
  let count = 0;
  for (let p = start; p < end; p++) if ((bytes[p] & 0xc0) !== 0x80) count++;
  return count;
}

/**
 * Decodes short strings by hand: for a few bytes, TextDecoder's call overhead dominates.
 * Assumes valid UTF-8, as Arrow's Utf8 type guarantees.
 */
export function decodeShortUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 64) return decodeUtf8(bytes, start, end);
  let s = '';
  for (let p = start; p < end; ) {
    const b = bytes[p];
    // The lead byte says how many bytes the character has: 1 (<0x80), 2 (<0xe0), 3 (<0xf0) or 4.
    const size = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    let cp = size === 1 ? b : b & (0xff >> (size + 1));
    for (let q = 1; q < size; q++) cp = (cp << 6) | (bytes[p + q] & 0x3f);
    s += String.fromCodePoint(cp);
    p += size;
  }
  return s;
}

/** Writes `s` as UTF-8 at `pos` (the caller guarantees 3 bytes per UTF-16 unit of room); returns the new end. */
export function encodeUtf8Into(s: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp < 0x80) out[pos++] = cp;
    else if (cp < 0x800) {
      out[pos++] = 0xc0 | (cp >> 6);
      out[pos++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[pos++] = 0xe0 | (cp >> 12);
      out[pos++] = 0x80 | ((cp >> 6) & 0x3f);
      out[pos++] = 0x80 | (cp & 0x3f);
    } else {
      out[pos++] = 0xf0 | (cp >> 18);
      out[pos++] = 0x80 | ((cp >> 12) & 0x3f);
      out[pos++] = 0x80 | ((cp >> 6) & 0x3f);
      out[pos++] = 0x80 | (cp & 0x3f);
    }
  }
  return pos;
}
