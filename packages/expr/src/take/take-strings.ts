import { int64ToFloat64 } from '../vector/int64.js';

/**
 * Gathers variable-width values (Utf8, Binary and their Large forms) by copying bytes; no string
 * is decoded. Returns offsets in the same width as the source's.
 */
export function takeVariableWidth(bytes: Uint8Array, offsets: Int32Array | BigInt64Array, n: number, indices: Uint32Array): { data: Uint8Array; valueOffsets: Int32Array | BigInt64Array } {
  if (offsets instanceof BigInt64Array) {
    const out = new Float64Array(indices.length + 1);
    const data = gather(bytes, int64ToFloat64(offsets, n + 1), indices, out);
    return { data, valueOffsets: toInt64(out) };
  }
  const out = new Int32Array(indices.length + 1);
  return { data: gather(bytes, offsets, indices, out), valueOffsets: out };
}

/**
 * Fills `out` with the new offsets and returns the gathered bytes. Rows kept one after another
 * (the usual shape of a filter's selection) are copied as one run of bytes, not one by one.
 */
function gather(bytes: Uint8Array, src: Int32Array | Float64Array, indices: Uint32Array, out: Int32Array | Float64Array): Uint8Array {
  const k = indices.length;
  for (let j = 0; j < k; j++) out[j + 1] = out[j] + (src[indices[j] + 1] - src[indices[j]]);
  const data = new Uint8Array(out[k]);
  let j = 0;
  while (j < k) {
    let last = indices[j];
    let next = j + 1;
    while (next < k && indices[next] === last + 1) {
      last++;
      next++;
    }
    const s = src[indices[j]];
    const len = src[last + 1] - s;
    const to = out[j];
    // Short runs copy faster by hand than through a subarray view.
    if (len < 32) for (let b = 0; b < len; b++) data[to + b] = bytes[s + b];
    else data.set(bytes.subarray(s, s + len), to);
    j = next;
  }
  return data;
}

function toInt64(values: Float64Array): BigInt64Array {
  const halves = new Int32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    halves[2 * i] = values[i] % 4294967296;
    halves[2 * i + 1] = Math.floor(values[i] / 4294967296);
  }
  return new BigInt64Array(halves.buffer);
}
