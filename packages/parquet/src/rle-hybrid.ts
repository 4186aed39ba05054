import type { ByteSink } from './byte-sink.js';

/** Groups of 8 values per bit-packed run: 63 keeps its header one byte, as parquet-mr writes it. */
const MAX_GROUPS = 63;
/** A repeat this long at a group boundary ends a bit-packed run and starts an RLE run. */
const RLE_AT_BOUNDARY = 16;

/**
 * Parquet's RLE / bit-packing hybrid, how definition levels and dictionary indices are written:
 * a repeat of 8 or more values is one RLE run (varint `count << 1`, the value in
 * ceil(bitWidth / 8) little-endian bytes); anything else goes in bit-packed runs of up to 63
 * groups of 8 values (varint `groups << 1 | 1`, then the values packed LSB first), the last group
 * padded with zeros (the page's value count says where the values end). `bitWidth` is 1 to 24.
 */
export function writeHybrid(values: Int32Array | Uint8Array, start: number, end: number, bitWidth: number, out: ByteSink): void {
  if (bitWidth < 1 || bitWidth > 24) throw new RangeError(`RLE hybrid: bit width ${bitWidth} is outside 1..24`);
  const valueBytes = (bitWidth + 7) >> 3;
  let i = start;
  while (i < end) {
    const v = values[i];
    let j = i + 1;
    while (j < end && values[j] === v) j++;
    if (j - i >= 8) {
      out.varint((j - i) * 2);
      out.ensure(valueBytes);
      for (let b = 0; b < valueBytes; b++) out.buf[out.pos++] = (v >>> (8 * b)) & 0xff;
      i = j;
      continue;
    }
    let groups = 1;
    while (groups < MAX_GROUPS && i + groups * 8 < end && !repeatsAt(values, i + groups * 8, end)) groups++;
    const stop = i + groups * 8;
    out.byte((groups << 1) | 1);
    out.ensure(groups * bitWidth);
    const buf = out.buf;
    let pos = out.pos;
    let acc = 0;
    let bits = 0;
    for (let p = i; p < stop; p++) {
      acc |= (p < end ? values[p] : 0) << bits;
      bits += bitWidth;
      while (bits >= 8) {
        buf[pos++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    out.pos = pos;
    i = stop;
  }
}

/** Whether the RLE_AT_BOUNDARY values from `at` are all equal (and all there). */
function repeatsAt(values: Int32Array | Uint8Array, at: number, end: number): boolean {
  if (at + RLE_AT_BOUNDARY > end) return false;
  const v = values[at];
  for (let k = at + 1; k < at + RLE_AT_BOUNDARY; k++) if (values[k] !== v) return false;
  return true;
}

/** The bits needed for values 0..max (at least 1). */
export function bitWidthOf(max: number): number {
  return max <= 1 ? 1 : 32 - Math.clz32(max);
}
