type FixedArray =
  | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array
  | BigInt64Array | BigUint64Array;

/**
 * Gathers `stride` elements per row. Arrow JS slices `values` to the Data's first row, so row i
 * lives at `values[i * stride]` whatever the Data's offset. 64-bit integers are moved as pairs of
 * int32 so no BigInt is created per cell.
 */
export function takeFixedWidth<T extends FixedArray>(values: T, stride: number, indices: Uint32Array): T {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const out = gather(halves, stride * 2, indices);
    return new (values.constructor as new (b: ArrayBuffer) => T)(out.buffer as ArrayBuffer);
  }
  return gather(values as Exclude<T, BigInt64Array | BigUint64Array>, stride, indices) as T;
}

function gather<A extends Exclude<FixedArray, BigInt64Array | BigUint64Array>>(values: A, stride: number, indices: Uint32Array): A {
  const k = indices.length;
  const out = new (values.constructor as new (n: number) => A)(k * stride);
  if (stride === 1) {
    for (let j = 0; j < k; j++) out[j] = values[indices[j]];
    return out;
  }
  if (stride === 2) {
    // 64-bit values as int32 pairs: worth its own loop, it is every Int64 and timestamp column.
    for (let j = 0; j < k; j++) {
      const from = indices[j] * 2;
      out[2 * j] = values[from];
      out[2 * j + 1] = values[from + 1];
    }
    return out;
  }
  for (let j = 0; j < k; j++) {
    const from = indices[j] * stride;
    const to = j * stride;
    for (let s = 0; s < stride; s++) out[to + s] = values[from + s];
  }
  return out;
}
