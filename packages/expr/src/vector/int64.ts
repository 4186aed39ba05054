/**
 * 64-bit integers as float64 without touching BigInt: reading a BigInt64Array element allocates a
 * BigInt, which is an order of magnitude slower than reading the two 32-bit halves.
 * WARNING: float64 is exact only up to 2^53 (about 9e15); larger int64 values (and nanosecond
 * timestamps, ~1.7e18) are rounded, so values closer than their float spacing compare equal.
 * Assumes little-endian memory, as Arrow JS itself does.
 */
export function int64ToFloat64(values: BigInt64Array | BigUint64Array | Int32Array, n: number, scale = 1): Float64Array {
  const halves = values instanceof Int32Array ? values : new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const signed = !(values instanceof BigUint64Array);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = halves[2 * i] >>> 0;
    const hi = signed ? halves[2 * i + 1] : halves[2 * i + 1] >>> 0;
    out[i] = (hi * 4294967296 + lo) * scale;
  }
  return out;
}

