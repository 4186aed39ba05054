/**
 * Thrift's compact protocol, read into a generic tree and written back unchanged, so a Parquet
 * footer can be edited (offsets shifted, fields dropped) without a generated schema. Values:
 * i8/i16/i32 and doubles as numbers, i64 as bigints, binaries as Uint8Array, booleans, lists
 * and sets as TList, maps as TMap, structs as TStruct (field id -> TField).
 */
import { ByteSink } from './byte-sink.js';

export const T = { BOOL_TRUE: 1, BOOL_FALSE: 2, I8: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;

export type TValue = number | bigint | boolean | Uint8Array | TList | TMap | TStruct;
export interface TField {
  type: number;
  value: TValue;
}
export type TStruct = Map<number, TField>;
export interface TList {
  elementType: number;
  items: TValue[];
}
export interface TMap {
  keyType: number;
  valueType: number;
  entries: [TValue, TValue][];
}

export function readStruct(bytes: Uint8Array, offset = 0): { value: TStruct; end: number } {
  const r = new Reader(bytes, offset);
  const value = r.struct();
  return { value, end: r.pos };
}

export function writeStruct(value: TStruct): Uint8Array {
  const w = new Writer();
  w.struct(value);
  return w.finish();
}

class Reader {
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
  ) {}

  private byte(): number {
    if (this.pos >= this.b.length) throw new RangeError('thrift: read past the end of the buffer');
    return this.b[this.pos++];
  }

  private varint(): bigint {
    let shift = 0n;
    let out = 0n;
    for (;;) {
      const c = this.byte();
      out |= BigInt(c & 0x7f) << shift;
      if (!(c & 0x80)) return out;
      shift += 7n;
    }
  }

  private zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  struct(): TStruct {
    const out: TStruct = new Map();
    let id = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const type = h & 0x0f;
      const delta = h >> 4;
      id = delta ? id + delta : Number(this.zigzag());
      const value = type === T.BOOL_TRUE ? true : type === T.BOOL_FALSE ? false : this.value(type);
      out.set(id, { type, value });
    }
  }

  value(type: number): TValue {
    switch (type) {
      case T.BOOL_TRUE:
      case T.BOOL_FALSE:
        return this.byte() === 1;
      case T.I8: {
        const v = this.byte();
        return v > 127 ? v - 256 : v;
      }
      case T.I16:
      case T.I32:
        return Number(this.zigzag());
      case T.I64:
        return this.zigzag();
      case T.DOUBLE: {
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case T.BINARY: {
        const n = Number(this.varint());
        const v = this.b.slice(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case T.LIST:
      case T.SET: {
        const h = this.byte();
        const elementType = h & 0x0f;
        const size = h >> 4 === 15 ? Number(this.varint()) : h >> 4;
        const items: TValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.value(elementType));
        return { elementType, items };
      }
      case T.MAP: {
        const size = Number(this.varint());
        if (size === 0) return { keyType: 0, valueType: 0, entries: [] };
        const kv = this.byte();
        const m: TMap = { keyType: kv >> 4, valueType: kv & 0x0f, entries: [] };
        for (let i = 0; i < size; i++) m.entries.push([this.value(m.keyType), this.value(m.valueType)]);
        return m;
      }
      case T.STRUCT:
        return this.struct();
      default:
        throw new RangeError(`thrift: unknown compact type ${type}`);
    }
  }
}

class Writer {
  private readonly out = new ByteSink(1024);

  private byte(v: number): void {
    this.out.byte(v & 0xff);
  }

  private varint(v: bigint): void {
    let n = BigInt.asUintN(64, v);
    while (n >= 0x80n) {
      this.byte(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.byte(Number(n));
  }

  private zigzag(v: bigint): void {
    this.varint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }

  struct(s: TStruct): void {
    let last = 0;
    for (const id of [...s.keys()].sort((a, b) => a - b)) {
      const { type, value } = s.get(id)!;
      const wireType = type === T.BOOL_TRUE || type === T.BOOL_FALSE ? (value ? T.BOOL_TRUE : T.BOOL_FALSE) : type;
      const delta = id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | wireType);
      else {
        this.byte(wireType);
        this.zigzag(BigInt(id));
      }
      last = id;
      if (wireType !== T.BOOL_TRUE && wireType !== T.BOOL_FALSE) this.value(type, value);
    }
    this.byte(0);
  }

  value(type: number, value: TValue): void {
    switch (type) {
      case T.BOOL_TRUE:
      case T.BOOL_FALSE:
        return this.byte(value ? 1 : 0);
      case T.I8:
        return this.byte(value as number);
      case T.I16:
      case T.I32:
        return this.zigzag(BigInt(value as number));
      case T.I64:
        return this.zigzag(value as bigint);
      case T.DOUBLE: {
        const v = new Uint8Array(8);
        new DataView(v.buffer).setFloat64(0, value as number, true);
        return this.out.bytes(v);
      }
      case T.BINARY: {
        const v = value as Uint8Array;
        this.varint(BigInt(v.length));
        return this.out.bytes(v);
      }
      case T.LIST:
      case T.SET: {
        const l = value as TList;
        if (l.items.length < 15) this.byte((l.items.length << 4) | l.elementType);
        else {
          this.byte(0xf0 | l.elementType);
          this.varint(BigInt(l.items.length));
        }
        for (const item of l.items) this.value(l.elementType, item);
        return;
      }
      case T.MAP: {
        const m = value as TMap;
        this.varint(BigInt(m.entries.length));
        if (m.entries.length === 0) return;
        this.byte((m.keyType << 4) | m.valueType);
        for (const [k, v] of m.entries) {
          this.value(m.keyType, k);
          this.value(m.valueType, v);
        }
        return;
      }
      case T.STRUCT:
        return this.struct(value as TStruct);
      default:
        throw new RangeError(`thrift: unknown compact type ${type}`);
    }
  }

  finish(): Uint8Array {
    return this.out.take();
  }
}
