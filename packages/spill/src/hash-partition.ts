import { DataType, Type, makeVector, type Data, type RecordBatch } from 'apache-arrow';
import { fmix, keyColumn, validity } from '@pypeline/verbs';

// Hashes agree with @pypeline/verbs' key values: rows whose keys are equal there (an int32 5
// and an int64 5 on the two sides of a join, equal strings) land in the same partition.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const NULL_HASH = 0x9e3779b9;

/** The partition of each row of `batch` by the key columns: a hash of the keys modulo `partitions`. */
export function partitionOf(batch: RecordBatch, keys: readonly string[], partitions: number, seed: number): Uint32Array {
  const n = batch.numRows;
  const hashes = new Uint32Array(n).fill(seed >>> 0);
  for (const key of keys) hashColumn(batch, key, hashes);
  for (let i = 0; i < n; i++) hashes[i] = fmix(hashes[i] ^ Math.imul(seed | 1, 0x85ebca6b)) % partitions;
  return hashes;
}

function hashColumn(batch: RecordBatch, name: string, hashes: Uint32Array): void {
  const index = batch.schema.fields.findIndex((f) => f.name === name);
  const data = index === -1 ? undefined : (batch.data.children[index] as Data);
  const type = data?.type as DataType | undefined;
  if (data && type && type.typeId === Type.Utf8) return hashUtf8(data, hashes);
  if (data && type && ((DataType.isFloat(type) && type.precision !== 0) || (DataType.isInt(type) && type.bitWidth < 64))) return hashNumbers(data, hashes);
  if (data && type && DataType.isInt(type) && type.bitWidth === 64) return hashInt64(data, type.isSigned, hashes);
  // Everything else through the key reader (an unknown column throws UnknownColumnError here).
  const column = keyColumn(batch, name, 'partition');
  const scratch = Buffer.alloc(256);
  for (let i = 0; i < hashes.length; i++) {
    const v = column.get(i);
    if (v === null) hashes[i] = combine(hashes[i], NULL_HASH);
    else if (typeof v === 'number') hashes[i] = combine(hashes[i], hashNumber(v));
    else if (typeof v === 'boolean') hashes[i] = combine(hashes[i], hashNumber(v ? 1 : 0));
    else {
      const bytes = Buffer.byteLength(v) <= scratch.length ? scratch.subarray(0, scratch.write(v)) : Buffer.from(v);
      hashes[i] = combine(hashes[i], hashBytes(bytes, 0, bytes.length));
    }
  }
}

function hashNumbers(data: Data, hashes: Uint32Array): void {
  const values = makeVector(data).toArray() as ArrayLike<number>;
  const valid = validity(data);
  for (let i = 0; i < hashes.length; i++) hashes[i] = combine(hashes[i], valid(i) ? hashNumber(values[i]) : NULL_HASH);
}

/** Int64 from its two 32-bit words: as a number within 2^53 (as keyColumn reads it), else as keyColumn's decimal string. */
function hashInt64(data: Data, signed: boolean, hashes: Uint32Array): void {
  const values = data.values as BigInt64Array | BigUint64Array;
  const words = new Int32Array(values.buffer, values.byteOffset, hashes.length * 2);
  const valid = validity(data);
  for (let i = 0; i < hashes.length; i++) {
    if (!valid(i)) {
      hashes[i] = combine(hashes[i], NULL_HASH);
      continue;
    }
    const hi = signed ? words[2 * i + 1] : words[2 * i + 1] >>> 0;
    const v = hi * 4_294_967_296 + (words[2 * i] >>> 0);
    if (Number.isSafeInteger(v)) hashes[i] = combine(hashes[i], hashNumber(v));
    else {
      const bytes = Buffer.from(values[i].toString());
      hashes[i] = combine(hashes[i], hashBytes(bytes, 0, bytes.length));
    }
  }
}

function hashUtf8(data: Data, hashes: Uint32Array): void {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const valid = validity(data);
  for (let i = 0; i < hashes.length; i++) hashes[i] = combine(hashes[i], valid(i) ? hashBytes(bytes, offsets[i], offsets[i + 1]) : NULL_HASH);
}

function hashNumber(v: number): number {
  f64[0] = v === 0 ? 0 : v; // -0 and 0 are one key
  return fmix(Math.imul(u32[0], 0xcc9e2d51) ^ u32[1]);
}

// FNV-1a over UTF-8 bytes.
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function combine(h: number, v: number): number {
  return (Math.imul(h, 31) + v) >>> 0;
}
