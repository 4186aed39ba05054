/**
 * Dictionary encoding of one column chunk's values: each distinct value gets an index in order
 * of first appearance. An open-addressing hash table over the values themselves (words compared
 * as words, byte strings byte by byte), grown at half load; gives up (undefined) once the
 * dictionary would pass `maxBytes` as a Parquet PLAIN page, as parquet-rs and parquet-mr do, so
 * near-unique columns are written plain.
 */
export interface Dictionary {
  /** The dictionary index of every value. */
  indices: Int32Array;
  /** For each dictionary entry, the position of its first value. */
  firsts: Int32Array;
  size: number;
}

/** Values of `w` 32-bit words each. */
export function dictionaryOfWords(data: Int32Array, w: 1 | 2, count: number, maxBytes: number): Dictionary | undefined {
  const maxEntries = Math.floor(maxBytes / (4 * w));
  const entries = new Entries(count);
  const indices = entries.indices;
  for (let k = 0; k < count; k++) {
    const a = data[k * w];
    const b = w === 2 ? data[k * w + 1] : 0;
    const h = hashWords(a, b);
    for (let slot = entries.slot(h); ; slot = entries.next(slot)) {
      const e = entries.at(slot);
      if (e < 0) {
        if (entries.size === maxEntries) return undefined;
        entries.add(slot, h, k);
        break;
      }
      const p = entries.firsts[e] * w;
      if (data[p] === a && (w === 1 || data[p + 1] === b)) {
        indices[k] = e;
        break;
      }
    }
  }
  return entries.dictionary();
}

/** Byte strings: value k is bytes[offsets[k] .. offsets[k + 1]). */
export function dictionaryOfBytes(bytes: Uint8Array, offsets: Int32Array, count: number, maxBytes: number): Dictionary | undefined {
  const entries = new Entries(count);
  const indices = entries.indices;
  let pageBytes = 0;
  for (let k = 0; k < count; k++) {
    const s = offsets[k];
    const n = offsets[k + 1] - s;
    const h = hashBytes(bytes, s, n);
    for (let slot = entries.slot(h); ; slot = entries.next(slot)) {
      const e = entries.at(slot);
      if (e < 0) {
        pageBytes += 4 + n;
        if (pageBytes > maxBytes) return undefined;
        entries.add(slot, h, k);
        break;
      }
      const t = offsets[entries.firsts[e]];
      if (entries.hashOf(e) === h && offsets[entries.firsts[e] + 1] - t === n && sameBytes(bytes, s, t, n)) {
        indices[k] = e;
        break;
      }
    }
  }
  return entries.dictionary();
}

/**
 * The hash table both builders share: slots hold entry + 1 (0 is empty), probed linearly from
 * the hash's top bits; each entry keeps its first value's position and its hash, so growing at
 * half load rehashes without reading the values again.
 */
class Entries {
  readonly indices: Int32Array;
  firsts: Int32Array = new Int32Array(256);
  size = 0;
  private hashes: Int32Array = new Int32Array(256);
  private bits = 10;
  private table: Int32Array = new Int32Array(1 << 10);

  constructor(count: number) {
    this.indices = new Int32Array(count);
  }

  slot(h: number): number {
    return h >>> (32 - this.bits);
  }

  next(slot: number): number {
    return (slot + 1) & ((1 << this.bits) - 1);
  }

  /** The entry in `slot`, -1 when it is empty. */
  at(slot: number): number {
    return this.table[slot] - 1;
  }

  hashOf(entry: number): number {
    return this.hashes[entry];
  }

  /** Makes value k (hash h) a new entry in the empty `slot`. */
  add(slot: number, h: number, k: number): void {
    if (this.size === this.firsts.length) {
      this.firsts = grow(this.firsts);
      this.hashes = grow(this.hashes);
    }
    this.firsts[this.size] = k;
    this.hashes[this.size] = h;
    this.indices[k] = this.size++;
    this.table[slot] = this.size;
    if (this.size * 2 > 1 << this.bits) {
      this.bits++;
      this.table = new Int32Array(1 << this.bits);
      for (let e = 0; e < this.size; e++) {
        let at = this.slot(this.hashes[e]);
        while (this.table[at] !== 0) at = this.next(at);
        this.table[at] = e + 1;
      }
    }
  }

  dictionary(): Dictionary {
    return { indices: this.indices, firsts: this.firsts.subarray(0, this.size), size: this.size };
  }
}

/** How many of `samples` values spread evenly over the column are distinct (words). */
export function distinctInSample(data: Int32Array, w: 1 | 2, count: number, samples: number): number {
  const step = count / samples;
  const sample = new Int32Array(samples * w);
  for (let i = 0; i < samples; i++) {
    const k = Math.floor(i * step);
    sample[i * w] = data[k * w];
    if (w === 2) sample[i * w + 1] = data[k * w + 1];
  }
  return dictionaryOfWords(sample, w, samples, Infinity)!.size;
}

function hashWords(a: number, b: number): number {
  let x = a ^ Math.imul(b ^ (b >>> 15), 0x85ebca6b);
  x ^= x >>> 16;
  return Math.imul(x, 0x9e3779b1);
}

function hashBytes(bytes: Uint8Array, s: number, n: number): number {
  let h = n ^ 0x9747b28c;
  let p = s;
  const e = s + n;
  for (; p + 4 <= e; p += 4) {
    h = Math.imul(h ^ (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)), 0x5bd1e995);
    h ^= h >>> 13;
  }
  for (; p < e; p++) h = Math.imul(h ^ bytes[p], 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x9e3779b1);
}

function sameBytes(bytes: Uint8Array, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

function grow(a: Int32Array): Int32Array {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}
