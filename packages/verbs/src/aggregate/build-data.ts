import { Bool, Float64, makeData, type Data, type DataType } from 'apache-arrow';

/** A validity bitmap from a per-group test, and how many are null. */
export function bitmapOf(n: number, isValid: (g: number) => boolean): { bitmap: Uint8Array | undefined; nulls: number } {
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let g = 0; g < n; g++) {
    if (isValid(g)) bitmap[g >> 3] |= 1 << (g & 7);
    else nulls++;
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

/** Float64 results, null where `isValid` says so. */
export function float64Data(values: Float64Array, isValid: (g: number) => boolean): Data<Float64> {
  const { bitmap, nulls } = bitmapOf(values.length, isValid);
  return makeData({ type: new Float64(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data: values });
}

/** Fixed-width results (Int64, Decimal) in `values`, null where `isValid` says so. */
export function fixedData<T extends DataType>(type: T, length: number, values: BigInt64Array | Uint32Array, isValid: (g: number) => boolean): Data<T> {
  const { bitmap, nulls } = bitmapOf(length, isValid);
  return makeData({ type, length, nullCount: nulls, nullBitmap: bitmap, data: values } as never) as Data<T>;
}

/** Booleans from a state per group: -1 null, 0 false, 1 true. */
export function boolData(state: Int8Array): Data<Bool> {
  const n = state.length;
  const bits = new Uint8Array((n + 7) >> 3);
  for (let g = 0; g < n; g++) if (state[g] === 1) bits[g >> 3] |= 1 << (g & 7);
  const { bitmap, nulls } = bitmapOf(n, (g) => state[g] !== -1);
  return makeData({ type: new Bool(), length: n, nullCount: nulls, nullBitmap: bitmap, data: bits });
}
