import { Type, type RecordBatch, type Vector } from 'apache-arrow';
import { columnTexts, plainValue } from './arrow-rows.js';

/**
 * A fast reader of one column's values as keys: strings straight from the UTF-8 buffer, numbers
 * from the typed array, anything else through Arrow's `get`. Returns the value and a string that
 * tells keys of different types apart (`s…` for text, `n…` otherwise).
 */
export interface KeyReader {
  value(row: number): unknown;
  id(row: number): string;
}

/**
 * Strings seen as keys, by a hash of their UTF-8 bytes: a key repeats across events, so reading
 * it again costs a hash and a byte comparison instead of decoding and allocating a new string.
 */
class KeyInterner {
  private byHash = new Map<number, Array<{ bytes: Uint8Array; id: string; text: string }>>();
  private size = 0;

  constructor(private readonly limit = 100_000) {}

  private ids = new Map<string, string>();

  /** The id of a key given as a string: `s` and the text, one string per distinct key. */
  idOf(text: string): string {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = 's' + text;
      if (this.ids.size >= this.limit) this.ids.clear(); // many distinct keys: start over rather than grow without bound
      this.ids.set(text, id);
    }
    return id;
  }

  intern(values: Uint8Array, start: number, end: number, buf: Buffer): { id: string; text: string } {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ values[i], 0x01000193);
    const bucket = this.byHash.get(h);
    if (bucket) {
      const len = end - start;
      outer: for (const c of bucket) {
        if (c.bytes.length !== len) continue;
        for (let i = 0; i < len; i++) if (c.bytes[i] !== values[start + i]) continue outer;
        return c;
      }
    }
    const text = buf.toString('utf8', start, end);
    const entry = { bytes: values.slice(start, end), id: 's' + text, text };
    if (this.size >= this.limit) {
      this.byHash.clear(); // many distinct keys: start over rather than grow without bound
      this.size = 0;
    }
    if (bucket && this.byHash.has(h)) bucket.push(entry);
    else this.byHash.set(h, [entry]);
    this.size++;
    return entry;
  }
}

const interners = new WeakMap<object, KeyInterner>();

/** A key reader; pass the same `owner` (an operator) across batches to reuse decoded keys. */
export function keyReader(col: Vector, owner?: object): KeyReader {
  const data = col.data.length === 1 ? col.data[0] : undefined;
  const validity = data && data.nullCount > 0 ? data.nullBitmap : undefined;
  const offset = data?.offset ?? 0;
  const isNull = (r: number) => validity !== undefined && ((validity[(r + offset) >> 3] >> ((r + offset) & 7)) & 1) === 0;
  if (data && col.type.typeId === Type.Utf8) {
    // Arrow slices the offsets buffer with the data (so no `offset` here), not the null bitmap.
    const offsets = data.valueOffsets as Int32Array;
    const values = data.values as Uint8Array;
    // Made only where the bytes are decoded: for a small batch a Buffer view costs more than its rows.
    const bytes = () => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    if (owner) {
      let interner = interners.get(owner);
      if (!interner) interners.set(owner, (interner = new KeyInterner()));
      const texts = columnTexts(data);
      if (texts) {
        // Built from these strings (rowsToBatch): their ids by a map lookup, no UTF-8 to hash.
        const own = interner;
        return {
          value: (r) => (isNull(r) ? null : texts[r]),
          id: (r) => (isNull(r) ? 'nnull' : own.idOf(texts[r])),
        };
      }
      const buf = bytes();
      const at = (r: number) => interner.intern(values, offsets[r], offsets[r + 1], buf);
      return {
        value: (r) => (isNull(r) ? null : at(r).text),
        id: (r) => (isNull(r) ? 'nnull' : at(r).id),
      };
    }
    const buf = bytes();
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

/**
 * The key of a row over `columns` (`what` names the operator in errors). One column reads as
 * keyReader does; several give a list of values and an id joining theirs (length-prefixed, so
 * no value can fake a boundary); none give one key for every row.
 */
export function keysReader(batch: RecordBatch, columns: readonly string[], what: string, owner?: object): KeyReader {
  const readers = columns.map((name) => {
    const i = batch.schema.fields.findIndex((f) => f.name === name);
    if (i < 0) throw new Error(`${what}: key column "${name}" is not in the stream (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
    return keyReader(batch.getChildAt(i)!, owner);
  });
  if (readers.length === 1) return readers[0];
  return {
    value: (r) => readers.map((k) => k.value(r)),
    id: (r) => {
      let id = '';
      for (const k of readers) {
        const part = k.id(r);
        id += `${part.length}:${part}`;
      }
      return id;
    },
  };
}
