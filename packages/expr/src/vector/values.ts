import type { Scalar } from '../scalar/values.js';

/**
 * What each node of a compiled filter produces for one batch. Row i of every vector is index i
 * (Arrow's sliced `values` already start at the batch's first row). `valid` holds one byte per
 * row, 1 = not null; null means "no nulls", which lets most kernels skip validity entirely.
 * Values at invalid rows are unspecified.
 */
export type Mask = Uint8Array;

export type NumArray = Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
export type KeyArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/**
 * Numbers: floats, integers within ±2^53 (exact in a double), dates as days and timestamps as
 * microseconds since the epoch. Column values stay in their native array (Int32Array …).
 */
export interface NumVec {
  kind: 'num';
  values: NumArray;
  valid: Mask | null;
  /** For integers held in a Float64Array: no value's magnitude exceeds this (lets arithmetic skip its range check). */
  bound?: number;
}

/** One byte per row, 0 or 1 (Arrow's bit-packed booleans are unpacked once on read). */
export interface BoolVec {
  kind: 'bool';
  values: Uint8Array;
  valid: Mask | null;
}

/**
 * UTF-8 strings as Arrow stores them: entry k is `bytes[offsets[k] .. offsets[k + 1])`.
 * Row i is entry `keys[i]` for dictionary columns, else entry i. `entries` counts the entries,
 * so a kernel can do per-entry work once and look results up by key.
 */
export interface StrVec {
  kind: 'str';
  bytes: Uint8Array;
  offsets: Int32Array | Float64Array;
  keys: KeyArray | null;
  entries: number;
  valid: Mask | null;
}

/** Integers when some value is beyond ±2^53, where a double is no longer exact. */
export interface BigVec {
  kind: 'big';
  values: BigInt64Array;
  valid: Mask | null;
}

/** Anything else, one evaluator value per row: decimals (DecimalValue) and intervals. */
export interface ObjVec {
  kind: 'obj';
  values: Scalar[];
  valid: Mask | null;
}

/** A value that is the same for every row: literals, variables and anything computed from them only. */
export interface ConstVal {
  kind: 'const';
  /** As the scalar evaluator has it: integers are bigint, dates days, timestamps microseconds. */
  value: Scalar;
  /** The UTF-8 bytes of a string value, encoded once at compile time rather than per batch. */
  utf8?: Uint8Array;
}

export type Value = NumVec | BigVec | BoolVec | StrVec | ObjVec | ConstVal;

export const NULL_CONST: ConstVal = { kind: 'const', value: null };
