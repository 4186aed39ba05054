import type { ColumnKind } from './column-kinds.js';
import { parsed } from './parse-fields.js';

/** What a parsed column hands back across the worker boundary: plain typed arrays, transferable. */
export interface ColumnBuffers {
  kind: ColumnKind;
  /** int32 and date: Int32Array; int64 and timestamp (epoch ms): Int32Array of (low, high) pairs; float64: Float64Array; boolean: bitmap. */
  values: Int32Array | Float64Array | Uint8Array | null;
  /** utf8 only. */
  offsets: Int32Array | null;
  data: Uint8Array | null;
  /** Null when the column has no nulls. */
  validity: Uint8Array | null;
  nullCount: number;
}

const EMPTY_I32 = new Int32Array(0);
const EMPTY_F64 = new Float64Array(0);
import type { Utf8Table } from './charset.js';

const EMPTY_U8 = new Uint8Array(0);

/**
 * One column being filled row by row. Every field always holds the same array type (empty when
 * unused) so the parser's hot loop stays monomorphic. A row is only final when the parser moves
 * on: a bad row is rolled back by writing the next row over it.
 */
export class ColumnBuilder {
  i32: Int32Array = EMPTY_I32;
  f64: Float64Array = EMPTY_F64;
  bits: Uint8Array = EMPTY_U8;
  /** Allocated at the first null (all rows before it valid), so columns without nulls pay nothing. */
  validity: Uint8Array = EMPTY_U8;
  hasNulls = false;
  offsets: Int32Array = EMPTY_I32;
  data: Uint8Array = EMPTY_U8;
  capacity: number;

  constructor(
    readonly kind: ColumnKind,
    rows: number,
    bytesPerRow: number,
  ) {
    this.capacity = Math.max(rows, 64);
    this.allocate(this.capacity, Math.max(64, Math.ceil(rows * bytesPerRow)));
  }

  private allocate(capacity: number, dataBytes: number): void {
    switch (this.kind) {
      case 'int32':
      case 'date':
        this.i32 = grow(this.i32, capacity);
        break;
      case 'int64':
      case 'timestamp':
        this.i32 = grow(this.i32, capacity * 2);
        break;
      case 'float64':
        this.f64 = growF64(this.f64, capacity);
        break;
      case 'boolean':
        this.bits = growU8(this.bits, (capacity + 7) >> 3);
        break;
      case 'utf8':
        this.offsets = grow(this.offsets, capacity + 1);
        if (this.data.length < dataBytes) this.data = growU8(this.data, dataBytes);
        break;
    }
  }

  /** Marks a row null (byte `vi`, bit `vbit` of the validity bitmap). */
  setNull(vi: number, vbit: number): void {
    if (!this.hasNulls) {
      this.hasNulls = true;
      this.validity = growU8(EMPTY_U8, (this.capacity + 7) >> 3);
      this.validity.fill(0xff);
    }
    this.validity[vi] &= ~vbit;
  }

  /** Makes room for row `row`. */
  reserve(row: number): void {
    if (row < this.capacity) return;
    this.capacity *= 2;
    if (this.hasNulls) this.validity = growU8(this.validity, (this.capacity + 7) >> 3);
    this.allocate(this.capacity, 0);
  }

  /** Makes room for `extra` more string bytes after `used`. */
  reserveBytes(used: number, extra: number): void {
    if (used + extra <= this.data.length) return;
    this.data = growU8(this.data, Math.max(this.data.length * 2, used + extra));
  }

  /** Writes the value the last successful read left in `parsed` at `row` (`code` as in the parser). */
  store(code: number, row: number): void {
    switch (code) {
      case 0:
      case 4:
        this.i32[row] = parsed.value;
        return;
      case 1:
      case 6:
        this.i32[2 * row] = parsed.value;
        this.i32[2 * row + 1] = parsed.hi;
        return;
      case 2:
        this.f64[row] = parsed.value;
        return;
      case 3:
        if (parsed.value) this.bits[row >> 3] |= 1 << (row & 7);
        else this.bits[row >> 3] &= ~(1 << (row & 7));
        return;
    }
  }

  /**
   * Copies an unquoted text field starting at `p` as row `row` while finding its end (the first
   * byte with `stops[byte]` set); returns that end. An empty field is null.
   */
  scanText(row: number, vi: number, vbit: number, b: Uint8Array, p: number, end: number, stops: Uint8Array): number {
    const at = this.offsets[row];
    let o = at;
    let d = this.data;
    let limit = d.length;
    while (p < end) {
      const c = b[p];
      if (stops[c] === 1) break;
      if (o === limit) {
        this.reserveBytes(o, 1 << 16);
        d = this.data;
        limit = d.length;
      }
      d[o++] = c;
      p++;
    }
    this.offsets[row + 1] = o;
    if (o === at) this.setNull(vi, vbit);
    else if (this.hasNulls) this.validity[vi] |= vbit;
    return p;
  }

  /** Line feeds inside the last field `quotedText` read. */
  breaks = 0;

  /**
   * Copies the inside of a quoted UTF-8 field that starts at `p` (after the opening quote) as
   * row `row`, undoing escaped quotes, until the closing quote; returns its offset (`end` if
   * the field is not closed) and leaves the line feeds it crossed in `breaks`.
   */
  quotedText(row: number, b: Uint8Array, p: number, end: number, quote: number, escape: number): number {
    let o = this.offsets[row];
    let d = this.data;
    let limit = d.length;
    let breaks = 0;
    while (p < end) {
      let c = b[p];
      if (c === quote) {
        if (escape !== quote || p + 1 >= end || b[p + 1] !== quote) break;
        p += 2;
      } else if (c === escape && p + 1 < end && (b[p + 1] === quote || b[p + 1] === escape)) {
        c = b[p + 1];
        p += 2;
      } else {
        if (c === 10) breaks++;
        p++;
      }
      if (o === limit) {
        this.reserveBytes(o, 1 << 16);
        d = this.data;
        limit = d.length;
      }
      d[o++] = c;
    }
    this.offsets[row + 1] = o;
    this.breaks = breaks;
    return p;
  }

  /**
   * Appends text bytes `b[s, e)` as row `row`, undoing quote escapes when `escape` is not -1
   * and turning a single-byte charset's bytes into UTF-8 through `table` (null: the bytes are UTF-8).
   */
  text(row: number, b: Uint8Array, s: number, e: number, escape: number, quote: number, table: Utf8Table | null): void {
    const at = this.offsets[row];
    const len = e - s;
    if (escape < 0 && !table) {
      if (at + len > this.data.length) this.reserveBytes(at, len);
      const d = this.data;
      if (len < 24) for (let k = 0; k < len; k++) d[at + k] = b[s + k];
      else d.set(b.subarray(s, e), at);
      this.offsets[row + 1] = at + len;
      return;
    }
    this.reserveBytes(at, table ? len * 3 : len);
    const out = this.data;
    let o = at;
    for (let i = s; i < e; i++) {
      let c = b[i];
      if (c === escape && i + 1 < e && (b[i + 1] === quote || b[i + 1] === escape)) c = b[++i];
      if (table && c >= 0x80) {
        const t = c * 4;
        out[o++] = table[t + 1];
        if (table[t] > 1) out[o++] = table[t + 2];
        if (table[t] > 2) out[o++] = table[t + 3];
      } else out[o++] = c;
    }
    this.offsets[row + 1] = o;
  }

  /** Trimmed buffers for `rows` rows; copies only when more than a quarter would be wasted. */
  finish(rows: number): ColumnBuffers {
    if (!this.hasNulls) return this.buffers(rows, null, 0);
    const validBytes = (rows + 7) >> 3;
    let ones = 0;
    for (let i = 0; i < validBytes; i++) ones += popcount(this.validity[i]);
    // Bits past the last row may be stale from a rolled-back row; they must not count.
    const tail = rows & 7;
    if (tail) ones -= popcount(this.validity[validBytes - 1] & ~((1 << tail) - 1) & 0xff);
    const nullCount = rows - ones;
    return this.buffers(rows, nullCount ? trim(this.validity, validBytes) : null, nullCount);
  }

  private buffers(rows: number, validity: Uint8Array | null, nullCount: number): ColumnBuffers {
    const out: ColumnBuffers = { kind: this.kind, values: null, offsets: null, data: null, validity, nullCount };
    switch (this.kind) {
      case 'int32':
      case 'date':
        out.values = trim(this.i32, rows);
        break;
      case 'int64':
      case 'timestamp':
        out.values = trim(this.i32, rows * 2);
        break;
      case 'float64':
        out.values = trim(this.f64, rows);
        break;
      case 'boolean':
        out.values = trim(this.bits, (rows + 7) >> 3);
        break;
      case 'utf8':
        out.offsets = trim(this.offsets, rows + 1);
        out.data = trim(this.data, this.offsets[rows]);
        break;
    }
    return out;
  }
}

function popcount(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}

type Typed = Int32Array | Float64Array | Uint8Array;
type TypedCtor<T> = { new (buffer: ArrayBuffer, offset?: number, length?: number): T; BYTES_PER_ELEMENT: number };

// Column buffers are plain ArrayBuffers that a pool thread transfers with its result (see
// parse-worker.ts): the main thread then owns them alone. WARNING: do not make them shared
// again: a SharedArrayBuffer is freed only once the pool thread's garbage collector has also
// let go of it, and an idle pool thread collects seldom (at 50 M rows, over 1 GB held).
function owned<T extends Typed>(ctor: TypedCtor<T>, n: number): T {
  return new ctor(new ArrayBuffer(Math.max(n, 0) * ctor.BYTES_PER_ELEMENT));
}

/** The buffers under a parsed chunk's columns, to transfer with it. */
export function columnBuffers(columns: readonly ColumnBuffers[]): ArrayBufferLike[] {
  return columns.flatMap((c) => [c.values, c.offsets, c.data, c.validity].filter((a) => a !== null).map((a) => a!.buffer));
}

function trim<T extends Typed>(a: T, n: number): T {
  if (a.length === n) return a;
  if (n * 4 >= a.length * 3) return a.subarray(0, n) as T;
  const out = owned(a.constructor as TypedCtor<T>, n);
  out.set(a.subarray(0, n));
  return out;
}

function growTo<T extends Typed>(a: T, n: number): T {
  if (a.length >= n) return a;
  const out = owned(a.constructor as TypedCtor<T>, n);
  out.set(a);
  return out;
}

const grow = (a: Int32Array, n: number) => growTo(a, n);
const growF64 = (a: Float64Array, n: number) => growTo(a, n);
const growU8 = (a: Uint8Array, n: number) => growTo(a, n);
