import { Bool, DateDay, Field, Float64, Int32, Int64, List, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8, makeBuilder, makeData, type DataType } from 'apache-arrow';

const WORDS = ['', 'a', 'A', 'b', 'é', 'zürich', '東京', '🙂', 'x'.repeat(40), 'Ωmega', 'e\u0301', 'a b'];

/** A seeded generator (mulberry32), so every run of a test sees the same data. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SCHEMA = new Schema([
  new Field('id', new Int32(), false),
  new Field('k', new Int32(), true),
  new Field('big', new Int64(), true),
  new Field('x', new Float64(), true),
  new Field('s', new Utf8(), true),
  new Field('b', new Bool(), true),
  new Field('d', new DateDay(), true),
  new Field('ts', new TimestampMicrosecond('UTC'), true),
  new Field('tags', new List(new Field('item', new Utf8(), true)), true),
]);

/**
 * `batches` batches of `rows` rows: few distinct keys (many duplicates), about 1 in 7 values
 * null, unicode strings, 64-bit integers beyond 2^53, a list column; `id` numbers the rows.
 */
export function generateBatches(seed: number, batches: number, rows: number, distinct = 50): RecordBatch[] {
  const next = random(seed);
  const pick = <T>(f: () => T): T | null => (next() < 1 / 7 ? null : f());
  const out: RecordBatch[] = [];
  let id = 0;
  for (let b = 0; b < batches; b++) {
    const cols: unknown[][] = SCHEMA.fields.map(() => []);
    for (let r = 0; r < rows; r++) {
      cols[0].push(id++);
      cols[1].push(pick(() => Math.floor(next() * distinct) - 5));
      cols[2].push(pick(() => (next() < 0.5 ? 9007199254740993n + BigInt(Math.floor(next() * 5)) : BigInt(Math.floor(next() * distinct)))));
      cols[3].push(pick(() => [0, -0, 1.5, -2.25, 1e300][Math.floor(next() * 5)]));
      cols[4].push(pick(() => WORDS[Math.floor(next() * WORDS.length)]));
      cols[5].push(pick(() => next() < 0.5));
      cols[6].push(pick(() => new Date(Date.UTC(2020, 0, 1 + Math.floor(next() * 30)))));
      cols[7].push(pick(() => Date.UTC(2024, 5, 1) + Math.floor(next() * 1000) * 1000));
      cols[8].push(pick(() => [WORDS[Math.floor(next() * WORDS.length)], null]));
    }
    const children = SCHEMA.fields.map((f, c) => build(f.type, cols[c]));
    out.push(new RecordBatch(SCHEMA, makeData({ type: new Struct(SCHEMA.fields), length: rows, nullCount: 0, children })));
  }
  return out;
}

function build(type: DataType, values: unknown[]) {
  const builder = makeBuilder({ type, nullValues: [null] });
  for (const v of values) builder.append(v);
  return builder.finish().flush();
}

/** Rows as plain values, for comparing results (bigints and dates as text). */
export function rowsOf(batches: Iterable<RecordBatch>): unknown[][] {
  const rows: unknown[][] = [];
  for (const batch of batches) {
    for (let i = 0; i < batch.numRows; i++) {
      rows.push(batch.schema.fields.map((_, c) => plain(batch.getChildAt(c)!.get(i))));
    }
  }
  return rows;
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object' && typeof (v as { toArray?: unknown }).toArray === 'function') return JSON.stringify([...(v as Iterable<unknown>)]);
  return v;
}

export async function collect(batches: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

export async function* streamOf(batches: RecordBatch[], failAfter?: number): AsyncGenerator<RecordBatch> {
  let i = 0;
  for (const b of batches) {
    if (failAfter !== undefined && i++ === failAfter) throw new Error('the source failed');
    yield b;
  }
}

/** The named columns of a batch, as a new batch. */
export function pick(batch: RecordBatch, names: string[]): RecordBatch {
  const fields = names.map((n) => batch.schema.fields.find((f) => f.name === n)!);
  const children = names.map((n) => batch.data.children[batch.schema.fields.findIndex((f) => f.name === n)]);
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children }));
}
