type FixedArray =
  | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array
  | BigInt64Array | BigUint64Array;

type Unit = Uint8Array | Uint16Array | Int32Array;

/**
 * Gathers `stride` elements per row. Arrow JS slices `values` to the Data's first row, so row i
 * lives at `values[i * stride]` whatever the Data's offset. Rows are copied as raw 8/16/32-bit
 * units whatever the column type: bit-exact (NaN payloads survive, no BigInt per cell), and the
 * copy loop only ever sees three array types, so V8 keeps it fast.
 */
export function takeFixedWidth<T extends FixedArray>(values: T, stride: number, indices: Uint32Array): T {
  const rowBytes = values.BYTES_PER_ELEMENT * stride;
  const units = unitView(values, rowBytes);
  const out = gather(units, rowBytes / units.BYTES_PER_ELEMENT, indices);
  return new (values.constructor as new (b: ArrayBuffer, offset: number, length: number) => T)(out.buffer as ArrayBuffer, 0, indices.length * stride);
}

function unitView(values: FixedArray, rowBytes: number): Unit {
  const { buffer, byteOffset, byteLength } = values;
  if (rowBytes % 4 === 0 && byteOffset % 4 === 0) return new Int32Array(buffer, byteOffset, byteLength >> 2);
  if (rowBytes % 2 === 0 && byteOffset % 2 === 0) return new Uint16Array(buffer, byteOffset, byteLength >> 1);
  return new Uint8Array(buffer, byteOffset, byteLength);
}

function gather<A extends Unit>(values: A, stride: number, indices: Uint32Array): A {
  const k = indices.length;
  const out = new (values.constructor as new (n: number) => A)(k * stride);
  if (stride === 1) {
    for (let j = 0; j < k; j++) out[j] = values[indices[j]];
  } else if (stride === 2) {
    // Every Int64, Float64 and timestamp column: worth its own loop.
    for (let j = 0; j < k; j++) {
      const from = indices[j] * 2;
      out[2 * j] = values[from];
      out[2 * j + 1] = values[from + 1];
    }
  } else {
    for (let j = 0; j < k; j++) {
      const from = indices[j] * stride;
      const to = j * stride;
      for (let s = 0; s < stride; s++) out[to + s] = values[from + s];
    }
  }
  return out;
}
