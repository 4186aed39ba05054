import { Type, type Vector } from 'apache-arrow';
import { plainValue } from './arrow-rows.js';

/**
 * A fast reader of one column's values as keys: strings straight from the UTF-8 buffer, numbers
 * from the typed array, anything else through Arrow's `get`. Returns the value and a string that
 * tells keys of different types apart (`s…` for text, `n…` otherwise).
 */
export interface KeyReader {
  value(row: number): unknown;
  id(row: number): string;
}

export function keyReader(col: Vector): KeyReader {
  const data = col.data.length === 1 ? col.data[0] : undefined;
  const validity = data && data.nullCount > 0 ? data.nullBitmap : undefined;
  const offset = data?.offset ?? 0;
  const isNull = (r: number) => validity !== undefined && ((validity[(r + offset) >> 3] >> ((r + offset) & 7)) & 1) === 0;
  if (data && col.type.typeId === Type.Utf8) {
    const offsets = data.valueOffsets as Int32Array;
    const values = data.values as Uint8Array;
    const buf = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    const text = (r: number) => buf.toString('utf8', offsets[r], offsets[r + 1]);
    return {
      value: (r) => (isNull(r) ? null : text(r)),
      id: (r) => (isNull(r) ? 'nnull' : 's' + text(r)),
    };
  }
  if (data && (col.type.typeId === Type.Int || col.type.typeId === Type.Float) && !validity) {
    const values = data.values as ArrayLike<number | bigint>;
    if (typeof values[0] !== 'bigint') {
      return { value: (r) => values[r] as number, id: (r) => 'n' + String(values[r]) };
    }
  }
  return {
    value: (r) => plainValue(col.get(r)),
    id: (r) => {
      const v = plainValue(col.get(r));
      return typeof v === 'string' ? 's' + v : 'n' + String(v);
    },
  };
}
