import { Type, type Data, type DataType, type Field } from 'apache-arrow';
import { T, type TStruct, type TValue } from './thrift-compact.js';

/** Parquet physical types (parquet.thrift `Type`). */
export const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
/** parquet.thrift `ConvertedType`, for readers that predate logical types. */
const CONVERTED = { UTF8: 0, DATE: 6, TIMESTAMP_MILLIS: 9, TIMESTAMP_MICROS: 10, UINT_8: 11, UINT_16: 12, UINT_32: 13, UINT_64: 14, INT_8: 15, INT_16: 16 } as const;

/**
 * How one top-level Arrow column is stored: `words` values are 1 or 2 little-endian 32-bit words
 * each (all integers, floats, dates and timestamps; 8- and 16-bit integers widened to 32),
 * `bytes` values are byte strings (Utf8, Binary), `bool` values are bits.
 */
export interface FlatColumn {
  name: string;
  kind: 'words' | 'bytes' | 'bool';
  /** 32-bit words per value (`words` only). */
  words: 1 | 2;
  physical: number;
  /** How values order for statistics: signed or unsigned integers, floats, bytes. */
  order: 'signed' | 'unsigned' | 'float' | 'bytes' | 'bool';
  optional: boolean;
  /** The column's SchemaElement. */
  element: TStruct;
}

/**
 * The storage of each field when every one is a flat type this writer handles, else undefined
 * (nested, decimal, dictionary, time, interval, fixed-size, large and view types, Float16,
 * Date64 and second timestamps go to parquet-wasm).
 */
export function flatColumns(fields: Field[]): FlatColumn[] | undefined {
  const out: FlatColumn[] = [];
  for (const field of fields) {
    const column = flatColumn(field.name, field.type, field.nullable);
    if (!column) return undefined;
    out.push(column);
  }
  return out;
}

function flatColumn(name: string, type: DataType, optional: boolean): FlatColumn | undefined {
  const element = (physical: number, extra: [number, number, TValue][] = []): TStruct =>
    struct([[1, T.I32, physical], [3, T.I32, optional ? 1 : 0], [4, T.BINARY, utf8(name)], ...extra]);
  const words = (n: 1 | 2, physical: number, order: FlatColumn['order'], extra?: [number, number, TValue][]): FlatColumn =>
    ({ name, kind: 'words', words: n, physical, order, optional, element: element(physical, extra) });
  const intType = (bits: number, signed: boolean): [number, number, TValue] => [10, T.STRUCT, struct([[10, T.STRUCT, struct([[1, T.I8, bits], [2, T.BOOL_TRUE, signed]])]])];
  switch (type.typeId) {
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      if (isSigned && bitWidth === 32) return words(1, PHYSICAL.INT32, 'signed');
      if (isSigned && bitWidth === 64) return words(2, PHYSICAL.INT64, 'signed');
      const converted = isSigned ? (bitWidth === 8 ? CONVERTED.INT_8 : CONVERTED.INT_16) : ({ 8: CONVERTED.UINT_8, 16: CONVERTED.UINT_16, 32: CONVERTED.UINT_32, 64: CONVERTED.UINT_64 } as Record<number, number>)[bitWidth];
      const extra: [number, number, TValue][] = [[6, T.I32, converted], intType(bitWidth, isSigned)];
      return bitWidth === 64 ? words(2, PHYSICAL.INT64, 'unsigned', extra) : words(1, PHYSICAL.INT32, isSigned ? 'signed' : 'unsigned', extra);
    }
    case Type.Float: {
      const { precision } = type as unknown as { precision: number };
      if (precision === 1) return words(1, PHYSICAL.FLOAT, 'float');
      if (precision === 2) return words(2, PHYSICAL.DOUBLE, 'float');
      return undefined;
    }
    case Type.Date:
      return (type as unknown as { unit: number }).unit === 0 ? words(1, PHYSICAL.INT32, 'signed', [[6, T.I32, CONVERTED.DATE], [10, T.STRUCT, struct([[6, T.STRUCT, new Map()]])]]) : undefined;
    case Type.Timestamp: {
      const { unit, timezone } = type as unknown as { unit: number; timezone: string | null };
      // TimeUnit: 1 ms, 2 µs, 3 ns (0, seconds, has no Parquet unit: parquet-wasm converts it).
      if (unit === 0) return undefined;
      const logical = struct([[8, T.STRUCT, struct([[1, T.BOOL_TRUE, !!timezone], [2, T.STRUCT, struct([[unit, T.STRUCT, new Map()]])]])]]);
      const extra: [number, number, TValue][] = [[10, T.STRUCT, logical]];
      if (unit !== 3) extra.push([6, T.I32, unit === 1 ? CONVERTED.TIMESTAMP_MILLIS : CONVERTED.TIMESTAMP_MICROS]);
      return words(2, PHYSICAL.INT64, 'signed', extra);
    }
    case Type.Utf8:
      return { name, kind: 'bytes', words: 1, physical: PHYSICAL.BYTE_ARRAY, order: 'bytes', optional, element: element(PHYSICAL.BYTE_ARRAY, [[6, T.I32, CONVERTED.UTF8], [10, T.STRUCT, struct([[1, T.STRUCT, new Map()]])]]) };
    case Type.Binary:
      return { name, kind: 'bytes', words: 1, physical: PHYSICAL.BYTE_ARRAY, order: 'bytes', optional, element: element(PHYSICAL.BYTE_ARRAY) };
    case Type.Bool:
      return { name, kind: 'bool', words: 1, physical: PHYSICAL.BOOLEAN, order: 'bool', optional, element: element(PHYSICAL.BOOLEAN) };
    default:
      return undefined;
  }
}

/** A thrift struct from [field id, compact type, value] triples. */
export function struct(fields: [number, number, TValue][]): TStruct {
  return new Map(fields.map(([id, type, value]) => [id, { type, value }]));
}

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

/** A column's values over rows [r0, r1) of its chunks, nulls left out. */
export interface Gathered {
  rows: number;
  /** Validity of the rows, a bit per row from bit 0; undefined when none is null. */
  valid: Uint8Array | undefined;
  /** Values that are not null. */
  count: number;
  /** `words`: `words` 32-bit words per value. */
  data32: Int32Array;
  /** `bytes`: value k is data8[offsets[k] .. offsets[k + 1]); `bool`: one byte (0 or 1) per value. */
  data8: Uint8Array;
  offsets: Int32Array;
}

const EMPTY32 = new Int32Array(0);
const EMPTY8 = new Uint8Array(0);

/**
 * Gathers rows [r0, r1) of a column's chunks (apache-arrow's Data: a slice's value and offset
 * buffers start at its first row, its validity bitmap and boolean bits at bit `offset`) into contiguous non-null values (a view when one chunk holds them all and none is null). */
export function gather(column: FlatColumn, chunks: readonly Data[], r0: number, r1: number): Gathered {
  const rows = r1 - r0;
  // Each chunk's part of the rows; `bitmap` only when the chunk has nulls (nullCount is a getter: read once).
  const parts: { data: Data; from: number; to: number; bitmap: Uint8Array | undefined }[] = [];
  let base = 0;
  let nulls = 0;
  for (const data of chunks) {
    const from = Math.max(r0 - base, 0);
    const to = Math.min(r1 - base, data.length);
    if (from < to) {
      const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
      parts.push({ data, from, to, bitmap });
      if (bitmap) nulls += from === 0 && to === data.length ? data.nullCount : countNulls(bitmap, data.offset + from, data.offset + to);
    }
    base += data.length;
  }
  const count = rows - nulls;
  let valid: Uint8Array | undefined;
  if (nulls > 0) {
    valid = new Uint8Array((rows + 7) >> 3);
    let row = 0;
    for (const { data, from, to, bitmap } of parts) {
      for (let i = from; i < to; i++, row++) {
        const bit = data.offset + i;
        if (!bitmap || bitmap[bit >> 3] & (1 << (bit & 7))) valid[row >> 3] |= 1 << (row & 7);
      }
    }
  }
  if (column.kind === 'words') {
    const w = column.words;
    if (parts.length === 1 && nulls === 0) {
      const view = words32(parts[0].data);
      if (view) return { rows, valid, count, data32: view.subarray(parts[0].from * w, parts[0].to * w), data8: EMPTY8, offsets: EMPTY32 };
    }
    const out = new Int32Array(count * w);
    let k = 0;
    for (const { data, from, to, bitmap } of parts) {
      const view = words32(data);
      if (view && !bitmap) {
        out.set(view.subarray(from * w, to * w), k);
        k += (to - from) * w;
        continue;
      }
      const src = (view ?? data.values) as ArrayLike<number>;
      for (let i = from; i < to; i++) {
        const bit = data.offset + i;
        if (bitmap && !(bitmap[bit >> 3] & (1 << (bit & 7)))) continue;
        if (w === 1) out[k++] = src[i];
        else {
          out[k++] = src[2 * i];
          out[k++] = src[2 * i + 1];
        }
      }
    }
    return { rows, valid, count, data32: out, data8: EMPTY8, offsets: EMPTY32 };
  }
  if (column.kind === 'bool') {
    const out = new Uint8Array(count);
    let k = 0;
    for (const { data, from, to, bitmap } of parts) {
      const bits = data.values as Uint8Array;
      for (let i = from; i < to; i++) {
        const bit = data.offset + i;
        if (bitmap && !(bitmap[bit >> 3] & (1 << (bit & 7)))) continue;
        out[k++] = (bits[bit >> 3] >> (bit & 7)) & 1;
      }
    }
    return { rows, valid, count, data32: EMPTY32, data8: out, offsets: EMPTY32 };
  }
  if (parts.length === 1 && nulls === 0) {
    const { data, from, to } = parts[0];
    return { rows, valid, count, data32: EMPTY32, data8: data.values as Uint8Array, offsets: (data.valueOffsets as Int32Array).subarray(from, to + 1) };
  }
  let total = 0;
  for (const { data, from, to, bitmap } of parts) {
    const o = data.valueOffsets as Int32Array;
    if (!bitmap) total += o[to] - o[from];
    else {
      for (let i = from; i < to; i++) {
        const bit = data.offset + i;
        if (bitmap[bit >> 3] & (1 << (bit & 7))) total += o[i + 1] - o[i];
      }
    }
  }
  const bytes = new Uint8Array(total);
  const offsets = new Int32Array(count + 1);
  let k = 0;
  let at = 0;
  for (const { data, from, to, bitmap } of parts) {
    const o = data.valueOffsets as Int32Array;
    const v = data.values as Uint8Array;
    if (!bitmap) {
      // No nulls: the part's bytes in one copy, its offsets moved to where they land.
      bytes.set(v.subarray(o[from], o[to]), at);
      const shift = at - o[from];
      for (let i = from; i < to; i++) offsets[++k] = o[i + 1] + shift;
      at += o[to] - o[from];
      continue;
    }
    for (let i = from; i < to; i++) {
      const bit = data.offset + i;
      if (!(bitmap[bit >> 3] & (1 << (bit & 7)))) continue;
      const s = o[i];
      const e = o[i + 1];
      if (e - s < 32) for (let p = s; p < e; p++) bytes[at++] = v[p];
      else {
        bytes.set(v.subarray(s, e), at);
        at += e - s;
      }
      offsets[++k] = at;
    }
  }
  return { rows, valid, count, data32: EMPTY32, data8: bytes, offsets };
}

/** A fixed-width chunk's values as 32-bit words (1 or 2 per value); undefined for 8- and 16-bit integers, widened value by value. */
function words32(data: Data): Int32Array | undefined {
  const values = data.values as unknown as { buffer: ArrayBufferLike; byteOffset: number; byteLength: number; BYTES_PER_ELEMENT: number };
  if (values.BYTES_PER_ELEMENT < 4) return undefined;
  if (values.byteOffset % 4 === 0) return new Int32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
  return new Int32Array(new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice().buffer);
}

function countNulls(bitmap: Uint8Array, from: number, to: number): number {
  let nulls = 0;
  for (let bit = from; bit < to; bit++) if (!(bitmap[bit >> 3] & (1 << (bit & 7)))) nulls++;
  return nulls;
}
