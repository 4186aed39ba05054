import { Type, type Data } from 'apache-arrow';
import { int64ToFloat64 } from './int64.js';
import type { StrVec } from './values.js';

/**
 * Bytes and offsets for a Utf8, LargeUtf8 or Utf8View column. Utf8 is used as is (no copy);
 * LargeUtf8 offsets become float64 (exact below 2^53 bytes); Utf8View is copied into one buffer
 * because its 16-byte views point into several.
 */
export function flattenStrings(data: Data): Omit<StrVec, 'keys' | 'valid'> {
  const n = data.length;
  if (data.type.typeId === Type.Utf8) return { kind: 'str', bytes: data.values, offsets: data.valueOffsets, entries: n };
  if (data.type.typeId === Type.LargeUtf8) {
    return { kind: 'str', bytes: data.values, offsets: int64ToFloat64(data.valueOffsets, n + 1), entries: n };
  }
  return flattenViews(data.values, data.variadicBuffers, n);
}

/**
 * Utf8View layout: per row 16 bytes = int32 length, then either the string itself (length <= 12)
 * or a 4-byte prefix, int32 buffer index and int32 offset into that buffer.
 */
function flattenViews(views: Uint8Array, buffers: readonly Uint8Array[], n: number): Omit<StrVec, 'keys' | 'valid'> {
  const dv = new DataView(views.buffer, views.byteOffset, views.byteLength);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += dv.getInt32(i * 16, true);
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const len = offsets[i + 1] - offsets[i];
    const at = i * 16;
    if (len <= 12) bytes.set(views.subarray(at + 4, at + 4 + len), offsets[i]);
    else {
      const buffer = buffers[dv.getInt32(at + 8, true)];
      const start = dv.getInt32(at + 12, true);
      bytes.set(buffer.subarray(start, start + len), offsets[i]);
    }
  }
  return { kind: 'str', bytes, offsets, entries: n };
}
